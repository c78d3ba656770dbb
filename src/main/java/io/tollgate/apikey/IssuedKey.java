package io.tollgate.apikey;

/** A key together with its secret: exists only in the answer to an issue or a rotation. */
public record IssuedKey(ApiKey key, String secret) {
}
