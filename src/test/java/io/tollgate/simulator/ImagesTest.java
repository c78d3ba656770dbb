package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Base64;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class ImagesTest {

    private static final String PATH = "/v1/images/generations";

    private static HerokuSimulator simulator;
    private static SimulatorClient client;

    @BeforeAll
    static void start() {
        simulator = HerokuSimulator.start(SimulatorOptions.defaults());
        client = new SimulatorClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static String body(String extra) {
        return "{\"model\":\"stable-image-ultra\",\"prompt\":\"a purple lighthouse\"" + extra + "}";
    }

    @Test
    void answersAValidPngInB64Json() throws IOException {
        HttpResponse<String> response = client.post(PATH, body(""));

        assertEquals(200, response.statusCode());
        JsonNode body = SimulatorClient.json(response.body());
        assertEquals(1, body.get("data").size());
        assertEquals("", body.get("data").get(0).get("revised_prompt").asText());
        byte[] png = Base64.getDecoder().decode(body.get("data").get(0).get("b64_json").asText());
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image);
        assertEquals(8, image.getWidth());
        assertEquals("20", response.headers().firstValue("x-ratelimit-limit-requests").orElseThrow());
    }

    @Test
    void answersNImagesWhenAsked() {
        JsonNode body = SimulatorClient.json(client.post(PATH, body(",\"n\":3,\"size\":\"1344x768\"")).body());

        assertEquals(3, body.get("data").size());
    }

    @Test
    void answersAJpegWhenAsked() throws IOException {
        JsonNode body = SimulatorClient.json(client.post(PATH, body(",\"output_format\":\"jpeg\"")).body());

        byte[] jpeg = Base64.getDecoder().decode(body.get("data").get(0).get("b64_json").asText());
        assertEquals((byte) 0xFF, jpeg[0]);
        assertEquals((byte) 0xD8, jpeg[1]);
        assertNotNull(ImageIO.read(new ByteArrayInputStream(jpeg)));
    }

    @Test
    void rejectsValuesOutsideTheDocumentedEnums() {
        assertEquals(400, client.post(PATH, body(",\"size\":\"512x512\"")).statusCode());
        assertEquals(400, client.post(PATH, body(",\"aspect_ratio\":\"4:3\"")).statusCode());
        assertEquals(400, client.post(PATH, body(",\"output_format\":\"gif\"")).statusCode());
        assertEquals(400, client.post(PATH, body(",\"seed\":4294967296")).statusCode());
        assertEquals(400, client.post(PATH, "{\"model\":\"stable-image-ultra\"}").statusCode());
        assertEquals(400, client.post(PATH, "{\"model\":\"stable-image-ultra\",\"prompt\":\"" + "p".repeat(10_001) + "\"}")
                .statusCode());
        assertEquals(200, client.post(PATH, body(",\"aspect_ratio\":\"9:21\",\"seed\":4294967295")).statusCode());
    }
}
