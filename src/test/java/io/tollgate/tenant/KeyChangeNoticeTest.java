package io.tollgate.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class KeyChangeNoticeTest {

    private static final UUID ID = UUID.fromString("0b5f2c3e-8d7a-4e1f-9c2b-6a4d3e2f1a0b");

    @Test
    void payloadsKeepTheFormOlderReplicasRead() {
        // replicas of two versions share the channel during a rolling deploy: the form may not change
        assertEquals("key:" + ID, KeyChangeNotice.ofKey(ID));
        assertEquals("tenant:" + ID, KeyChangeNotice.ofTenant(ID));
        assertEquals("select cast(pg_notify('tollgate_key_changes', :p) as text)", KeyChangeNotice.SQL);
    }

    @Test
    void aPayloadNamesTheKeyOrTheTenantItWasMadeFor() {
        assertEquals(ID, KeyChangeNotice.key(KeyChangeNotice.ofKey(ID)));
        assertNull(KeyChangeNotice.tenant(KeyChangeNotice.ofKey(ID)));
        assertEquals(ID, KeyChangeNotice.tenant(KeyChangeNotice.ofTenant(ID)));
        assertNull(KeyChangeNotice.key(KeyChangeNotice.ofTenant(ID)));
        assertNull(KeyChangeNotice.key("all"));
        assertNull(KeyChangeNotice.tenant("all"));
    }

    @Test
    void aMalformedIdIsRefusedNotGuessed() {
        // the listener drops every cached key when it cannot read a notice
        assertThrows(IllegalArgumentException.class, () -> KeyChangeNotice.key("key:not-a-uuid"));
        assertThrows(IllegalArgumentException.class, () -> KeyChangeNotice.tenant("tenant:"));
    }
}
