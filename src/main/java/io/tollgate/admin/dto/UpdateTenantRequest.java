package io.tollgate.admin.dto;

public record UpdateTenantRequest(String name) {
}
