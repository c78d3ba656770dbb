package io.tollgate.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.RequestOptions;

class UpstreamRegistryTest {

    @Test
    void readsEveryHerokuAttachmentTriple() {
        List<Upstream> found = UpstreamRegistry.fromEnvironment(Map.of(
                "INFERENCE_URL", "https://us.inference.heroku.com",
                "INFERENCE_KEY", "inf-aaa",
                "INFERENCE_MODEL_ID", "claude-4-5-sonnet",
                "EMBEDDING_URL", "https://us.inference.heroku.com",
                "EMBEDDING_KEY", "inf-bbb",
                "EMBEDDING_MODEL_ID", "cohere-embed-multilingual",
                "STANDARD_URL", "https://us.inference.heroku.com",
                "STANDARD_KEY", "inf-ccc",
                "DATABASE_URL", "postgres://u:p@host/db",
                "REDIS_URL", "redis://host"));
        assertEquals(3, found.size());
        assertEquals("inference", found.get(0).name(), "INFERENCE comes first");
        Upstream embedding = found.stream().filter(u -> u.name().equals("embedding")).findFirst().orElseThrow();
        assertEquals(Set.of("cohere-embed-multilingual"), embedding.models());
        Upstream standard = found.stream().filter(u -> u.name().equals("standard")).findFirst().orElseThrow();
        assertTrue(standard.anyModel(), "no MODEL_ID: the standard plan, one key for many models");
    }

    @Test
    void anUpstreamThatListsTheModelWinsOverOneThatServesAny() {
        Upstream any = new Upstream("inference", URI.create("https://a"), "k1", Set.of());
        Upstream rerank = new Upstream("rerank", URI.create("https://b"), "k2", Set.of("cohere-rerank-3-5"));
        UpstreamRegistry registry = new UpstreamRegistry(List.of(any, rerank),
                Set.of("claude-4-5-sonnet", "cohere-rerank-3-5"));
        assertEquals("rerank", registry.route("cohere-rerank-3-5").orElseThrow().name());
        assertEquals("inference", registry.route("claude-4-5-sonnet").orElseThrow().name());
        assertTrue(registry.route("gpt-9").isEmpty(), "outside the catalog and every list: unknown");
    }

    @Test
    void joinsTheBaseUrlAndThePath() {
        assertTarget(new Upstream("x", URI.create("https://h/"), "k", Set.of()).requestOptions("/v1/chat/completions"),
                "h", 443, true, "/v1/chat/completions");
        assertTarget(new Upstream("x", URI.create("http://127.0.0.1:9090/prefix"), "k", Set.of())
                .requestOptions("/v1/rerank"), "127.0.0.1", 9090, false, "/prefix/v1/rerank");
        assertEquals(80, new Upstream("x", URI.create("http://h"), "k", Set.of()).requestOptions("/v1/x").getPort());
    }

    private static void assertTarget(RequestOptions options, String host, int port, boolean tls, String uri) {
        assertEquals(host, options.getHost());
        assertEquals(port, options.getPort());
        assertEquals(tls, options.isSsl());
        assertEquals(uri, options.getURI());
    }

    @Test
    void neverPrintsTheKey() {
        assertTrue(!new Upstream("x", URI.create("https://h"), "inf-secret", Set.of()).toString().contains("inf-secret"));
    }
}
