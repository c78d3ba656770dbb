package io.tollgate.admin.dto;

public record CreateTenantRequest(String name, BudgetRequest budget) {
}
