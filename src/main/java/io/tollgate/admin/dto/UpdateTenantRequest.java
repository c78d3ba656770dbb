package io.tollgate.admin.dto;

/** Each field absent: left as it is. */
public record UpdateTenantRequest(String name, BudgetRequest budget) {
}
