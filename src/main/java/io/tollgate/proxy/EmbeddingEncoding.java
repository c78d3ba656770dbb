package io.tollgate.proxy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI SDKs ask for {@code encoding_format: "base64"} and decode little-endian float32. Heroku documents base64
 * without saying its layout, so tollgate asks for {@code raw} floats and encodes them itself.
 */
final class EmbeddingEncoding {

    private EmbeddingEncoding() {
    }

    /** Replaces every {@code data[].embedding} float array by its base64 float32-LE string, in place. */
    static void toBase64(JsonNode response) {
        for (JsonNode item : response.path("data")) {
            JsonNode embedding = item.path("embedding");
            if (item instanceof ObjectNode object && embedding.isArray()) {
                ByteBuffer bytes = ByteBuffer.allocate(embedding.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (JsonNode value : embedding) {
                    bytes.putFloat(value.floatValue());
                }
                object.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            }
        }
    }
}
