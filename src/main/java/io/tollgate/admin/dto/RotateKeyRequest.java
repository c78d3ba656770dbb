package io.tollgate.admin.dto;

/** How long the previous secret keeps working; absent or 0: it stops at once. */
public record RotateKeyRequest(Long gracePeriodSeconds) {
}
