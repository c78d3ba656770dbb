package io.tollgate.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tollgate.support.PackagedApp;

class SimulatorMainTest {

    @Test
    void parsesEveryFlag() {
        SimulatorOptions options = SimulatorMain.parse("--host", "0.0.0.0", "--port", "8099", "--latency-ms", "5",
                "--ttft-ms", "6", "--chunk-delay-ms", "7", "--reply-tokens", "8", "--key", "k1", "--key", "k2",
                "--rate-limits", "--usage-mode", "none", "--no-data-space", "--no-mcp-servers",
                "--reject-float-encoding", "--max-records", "9");

        assertEquals("0.0.0.0", options.host());
        assertEquals(8099, options.port());
        assertEquals(5, options.latencyMs());
        assertEquals(6, options.ttftMs());
        assertEquals(7, options.chunkDelayMs());
        assertEquals(8, options.replyTokens());
        assertEquals(List.of("k1", "k2"), options.keys());
        assertTrue(options.rateLimits());
        assertEquals(UsageMode.NONE, options.usageMode());
        assertFalse(options.dataSpace());
        assertFalse(options.mcpServers());
        assertTrue(options.rejectFloatEncoding());
        assertEquals(9, options.maxRecords());
    }

    @Test
    void defaultsMatchTheOptionDefaults() {
        assertEquals(SimulatorOptions.defaults(), SimulatorMain.parse());
    }

    @Test
    void rejectsUnknownOrIncompleteArguments() {
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.parse("--turbo"));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.parse("--port"));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.parse("--port", "eighty"));
    }

    /** Also the smoke test of bench/run.sh's upstream: the same fixed-latency and cadence options it passes. */
    @Test
    void runsAsItsOwnProcessAndAnnouncesItsAddress() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SimulatorMain.class.getName(), "--port", "0", "--reply-tokens", "2", "--latency-ms", "50",
                "--chunk-delay-ms", "20", "--max-records", "100").redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String announced = null;
            for (String line; (line = output.readLine()) != null;) {
                if (line.startsWith("simulator listening on ")) {
                    announced = line.substring("simulator listening on ".length());
                    break;
                }
            }
            assertNotNull(announced, "the process never announced its address");
            assertTrue(announced.matches("http://127\\.0\\.0\\.1:\\d+"), announced);

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(announced + "/_sim/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(announced + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(5)).header("authorization", "Bearer " + SimulatorOptions.DEFAULT_KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"nova-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(2, SimulatorClient.json(chat.body()).get("usage").get("completion_tokens").asInt());
        } finally {
            PackagedApp.stop(process, Duration.ofSeconds(10));
        }
    }
}
