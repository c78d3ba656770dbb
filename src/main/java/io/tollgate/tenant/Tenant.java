package io.tollgate.tenant;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.tollgate.ratelimit.Limits;
import io.tollgate.ratelimit.LimitsConverter;

@Entity
@Table(name = "tenant")
public class Tenant {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(name = "disabled_at")
    public OffsetDateTime disabledAt;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** Null: no limits. */
    @Convert(converter = LimitsConverter.class)
    @Column(name = "limits")
    public Limits limits;

    /** Grows with every change of {@link #limits}, so the shared buckets take the new configuration. */
    @Column(name = "limits_version", nullable = false)
    public long limitsVersion;

    public boolean disabled() {
        return disabledAt != null;
    }
}
