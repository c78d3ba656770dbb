package io.tollgate.apikey;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.tollgate.ratelimit.Limits;
import io.tollgate.ratelimit.LimitsConverter;

/** A tenant's key: its identity, scope and state. The secrets themselves are only stored as hashes. */
@Entity
@Table(name = "api_key")
public class ApiKey {

    @Id
    public UUID id;

    @Column(name = "tenant_id", nullable = false)
    public UUID tenantId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String prefix;

    /** The models this key may use; null means every model. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public String[] models;

    @Column(name = "expires_at")
    public OffsetDateTime expiresAt;

    @Column(name = "revoked_at")
    public OffsetDateTime revokedAt;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "rotated_at")
    public OffsetDateTime rotatedAt;

    /** Null: no limits of its own (its tenant's still apply). */
    @Convert(converter = LimitsConverter.class)
    @Column(name = "limits")
    public Limits limits;

    /** Grows with every change of {@link #limits}, so the shared buckets take the new configuration. */
    @Column(name = "limits_version", nullable = false)
    public long limitsVersion;
}
