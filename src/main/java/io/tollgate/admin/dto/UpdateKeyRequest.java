package io.tollgate.admin.dto;

public record UpdateKeyRequest(BudgetRequest budget) {
}
