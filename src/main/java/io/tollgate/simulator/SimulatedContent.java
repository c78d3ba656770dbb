package io.tollgate.simulator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything the simulator generates, deterministically, so that tests can compute what it will answer.
 */
public final class SimulatedContent {

    public static final int EMBEDDING_DIMENSIONS = 1024;

    /** The assistant turn of an agent call that precedes its tool call. */
    public static final String AGENT_PREAMBLE = "I'll run a tool to work that out.";
    /** The arguments of the agent's tool call. */
    public static final String AGENT_TOOL_ARGUMENTS = "{\"code\":\"print(2**10)\"}";
    /** The tool an agent calls when the request names none. */
    public static final String AGENT_DEFAULT_TOOL = "code_exec_python";

    /** An 8×8 PNG in Heroku purple. */
    public static final String PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAE0lEQVR4XmOojJiPFTFgCg1mCQDpVVwB+WaUsAAAAABJRU5ErkJggg==";
    /** The same picture as a JPEG, for {@code output_format: "jpeg"}. */
    public static final String JPEG_BASE64 = "/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDJooor2zqP/9k=";

    // A multiple of four characters, so that the pieces cycle without a short one.
    private static final String REPLY = "Hello from the Heroku AI simulator! Each piece of this reply is one token long. ";
    private static final String[] PIECES = pieces(REPLY);

    private SimulatedContent() {
    }

    /** The {@code index}-th piece of every reply: exactly four characters, so exactly one token. */
    public static String replyPiece(int index) {
        return PIECES[index % PIECES.length];
    }

    /** A reply of exactly {@code tokens} tokens: the first {@code tokens} pieces. */
    public static String replyText(int tokens) {
        StringBuilder text = new StringBuilder(tokens * 4);
        for (int i = 0; i < tokens; i++) {
            text.append(replyPiece(i));
        }
        return text.toString();
    }

    /** The content of the agent's {@code tool.completion} for a tool. */
    public static String agentToolResult(String toolName) {
        return "Tool '" + toolName
                + "' returned result: {\"content\":[{\"type\":\"text\",\"text\":\"1024\"}],\"isError\":false}";
    }

    /** Completion tokens of the agent's tool-calling turn. */
    public static int agentToolCallTokens() {
        return TokenCount.of(AGENT_PREAMBLE) + TokenCount.of(AGENT_TOOL_ARGUMENTS);
    }

    /** The text before a chat completion's tool call (Claude models say something first). */
    public static final String TOOL_PREAMBLE = "I'll call a function for that.";

    /**
     * A JSON object that fits a JSON schema (a function's parameters, a structured output's format): each property the
     * schema declares, a string {@code "sample"}, a number 1, a boolean true, anything else null; in the schema's
     * order.
     */
    public static String sampleOf(JsonNode schema) {
        ObjectNode arguments = Json.object();
        schema.path("properties").fields().forEachRemaining(property -> {
            switch (property.getValue().path("type").asText("")) {
                case "string" -> arguments.put(property.getKey(), "sample");
                case "integer", "number" -> arguments.put(property.getKey(), 1);
                case "boolean" -> arguments.put(property.getKey(), true);
                default -> arguments.putNull(property.getKey());
            }
        });
        return Json.write(arguments);
    }

    /** A unit-length 1024-dimension vector seeded from a hash of the text. */
    public static float[] embedding(String text) {
        SplittableRandom random = new SplittableRandom(hash(text));
        double[] raw = new double[EMBEDDING_DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < raw.length; i++) {
            raw[i] = random.nextDouble() * 2 - 1;
            norm += raw[i] * raw[i];
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            vector[i] = (float) (raw[i] / norm);
        }
        return vector;
    }

    /** The vector as base64 of little-endian float32 values, the layout OpenAI SDKs decode. */
    public static String embeddingBase64(String text) {
        float[] vector = embedding(text);
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /**
     * A relevance score in [0.1, 1.0]: mostly the share of the query's words found in the document, plus a small
     * hash-based part so that ties are rare. Documents sharing more query words always rank higher.
     */
    public static double relevance(String query, String document) {
        Set<String> queryWords = words(query);
        Set<String> documentWords = words(document);
        double overlap = 0;
        if (!queryWords.isEmpty()) {
            long shared = queryWords.stream().filter(documentWords::contains).count();
            overlap = (double) shared / queryWords.size();
        }
        double jitter = (hash(query + '\u0000' + document) >>> 11) / (double) (1L << 53);
        // the hash part stays below one shared word's worth, so it only orders documents of equal overlap
        double oneWord = 0.8 / Math.max(1, queryWords.size());
        double score = 0.1 + 0.8 * overlap + 0.1 * jitter * Math.min(1, oneWord);
        return Math.round(score * 1_000_000) / 1_000_000.0;
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    private static long hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String[] pieces(String text) {
        String[] pieces = new String[text.length() / 4];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = text.substring(i * 4, i * 4 + 4);
        }
        return pieces;
    }
}
