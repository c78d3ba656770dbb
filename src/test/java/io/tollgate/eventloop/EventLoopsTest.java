package io.tollgate.eventloop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Cache;

class EventLoopsTest {

    @Test
    void cacheUpkeepRunsOnTheThreadThatWrites() {
        List<String> evictedOn = new ArrayList<>();
        Cache<String, String> cache = EventLoops.cacheBuilder().maximumSize(1)
                .<String, String> removalListener((key, value, cause) -> evictedOn.add(Thread.currentThread().getName()))
                .build();

        cache.put("a", "1");
        cache.put("b", "2");

        // evicted before put returned, on this thread: no task was handed to a pool
        assertEquals(List.of(Thread.currentThread().getName()), evictedOn);
        assertEquals(1, cache.estimatedSize());
    }
}
