package io.tollgate.apikey;

import java.util.UUID;

/** CDI event fired after a key's revocation or rotation is committed, so this instance's cache drops it at once. */
public record KeyChanged(UUID keyId) {
}
