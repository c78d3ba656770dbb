package io.tollgate.admin.dto;

import io.tollgate.ratelimit.Limits;

/** Each field absent: unchanged. {@code "limits": {}} removes every limit. */
public record UpdateTenantRequest(String name, Limits limits) {
}
