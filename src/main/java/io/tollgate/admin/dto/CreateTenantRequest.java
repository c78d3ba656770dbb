package io.tollgate.admin.dto;

public record CreateTenantRequest(String name) {
}
