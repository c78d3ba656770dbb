package io.tollgate.budget;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.tollgate.error.ErrorType;
import io.tollgate.error.GatewayException;
import io.tollgate.eventloop.EventLoops;

/**
 * "May they spend more?": monthly budgets of tenants and keys, checked before a request is forwarded against the
 * month's spend in the usage rollup. A request is refused once the spend has reached the budget; the cost of a
 * request is only known after it, so concurrent requests can overshoot (see the README for the bound).
 */
@ApplicationScoped
public class BudgetService {

    private static final Logger LOG = Logger.getLogger(BudgetService.class);

    private final BudgetRepository budgets;
    private final Clock clock;
    private final Cache<UUID, Budget> limits;
    private final Cache<SpendKey, Spend> spends;
    /** Tenants and keys whose spend has reached their soft limit, with the month it did. */
    private final Map<UUID, YearMonth> overSoftLimit = new ConcurrentHashMap<>();
    private final Counter softLimitCrossings;

    public BudgetService(BudgetRepository budgets, Clock clock, BudgetConfig config, MeterRegistry registry) {
        this.budgets = budgets;
        this.clock = clock;
        Gauge.builder("tollgate.budget.soft.limit.reached", this, BudgetService::overSoftLimitNow)
                .description("Tenants and keys whose spend this month has reached the soft limit of their budget, as"
                        + " seen by the requests this replica checked")
                .register(registry);
        this.softLimitCrossings = Counter.builder("tollgate.budget.soft.limit.crossings")
                .description("Times a tenant's or key's spend reached the soft limit of its monthly budget")
                .register(registry);
        this.limits = EventLoops.cacheBuilder().maximumSize(200_000).expireAfterWrite(config.refreshInterval()).build();
        this.spends = EventLoops.cacheBuilder().maximumSize(200_000).expireAfterWrite(config.refreshInterval()).build();
    }

    /** Fails with 429 {@code insufficient_quota} when the tenant's or the key's monthly budget is used up. */
    public Uni<Void> check(UUID tenantId, UUID keyId) {
        return limitsOf(tenantId, keyId).chain(found -> {
            Budget tenant = found.get(tenantId);
            Budget key = found.get(keyId);
            if (tenant.none() && key.none()) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> tenantCheck = tenant.none() ? Uni.createFrom().voidItem()
                    : spendOf(tenantId, null).invoke(s -> judge(tenantId, "tenant", tenant, s)).replaceWithVoid();
            return tenantCheck.chain(() -> key.none() ? Uni.createFrom().voidItem()
                    : spendOf(tenantId, keyId).invoke(s -> judge(keyId, "API key", key, s)).replaceWithVoid());
        }).onFailure(e -> !(e instanceof GatewayException)).recoverWithUni(e -> {
            // budgets are not a reason to stop serving while the database is down: fail open
            LOG.debugf("Budget check skipped, database unavailable: %s", e.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * {@link #check} when memory can answer without the database (the hot path's usual case, no {@link Uni} on the
     * way): true when both budgets and the spends they need are cached and leave room, a used-up budget throwing the
     * same 429; false when only {@link #check} can answer.
     */
    public boolean passesFromMemory(UUID tenantId, UUID keyId) {
        Budget tenant = limits.getIfPresent(tenantId);
        Budget key = limits.getIfPresent(keyId);
        return tenant != null && key != null && passesFromMemory(tenant, tenantId, null)
                && passesFromMemory(key, tenantId, keyId);
    }

    /**
     * One budget's part of {@link #passesFromMemory(UUID, UUID)}: false when its spend is not cached.
     *
     * @param keyId the key whose budget and spend these are, or null for the tenant's
     */
    private boolean passesFromMemory(Budget budget, UUID tenantId, UUID keyId) {
        if (budget.none()) {
            return true;
        }
        Spend spend = spends.getIfPresent(new SpendKey(tenantId, keyId));
        if (spend == null) {
            return false;
        }
        judge(keyId == null ? tenantId : keyId, keyId == null ? "tenant" : "API key", budget, spend);
        return true;
    }

    public Uni<Status> tenantStatus(UUID tenantId) {
        return budgets.find(List.of(tenantId)).map(found -> found.getOrDefault(tenantId, Budget.NONE))
                .chain(b -> monthSpend(tenantId, null).map(s -> new Status(b, s)));
    }

    /** A key's budget and spend; 404 when there is no such key. */
    public Uni<Status> keyStatus(UUID keyId) {
        return budgets.tenantOfKey(keyId).chain(tenantId -> {
            if (tenantId == null) {
                throw GatewayException.notFound("key_not_found", "No key with id " + keyId);
            }
            return budgets.find(List.of(keyId)).map(found -> found.getOrDefault(keyId, Budget.NONE))
                    .chain(b -> monthSpend(tenantId, keyId).map(s -> new Status(b, s)));
        });
    }

    /** A budget and this month's spend against it. */
    public record Status(Budget budget, Spend spend) {
    }

    /** This month's spend of a tenant (keyId null) or key, read now. */
    public Uni<Spend> monthSpend(UUID tenantId, UUID keyId) {
        LocalDate first = LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
        return budgets.spend(tenantId, keyId, first, first.plusMonths(1));
    }

    /** Sets the budget of a tenant; an empty budget removes it. */
    public Uni<Void> setForTenant(UUID tenantId, Budget budget) {
        return save(tenantId, "tenant", budget);
    }

    public Uni<Void> setForKey(UUID keyId, Budget budget) {
        return save(keyId, "key", budget);
    }

    private Uni<Void> save(UUID subject, String kind, Budget budget) {
        if (budget == null) {
            throw GatewayException.invalidField("budget", "Field 'budget' must be an object");
        }
        requireNotNegative("budget.monthlyUsdMicros", budget.monthlyUsdMicros());
        requireNotNegative("budget.monthlyTokens", budget.monthlyTokens());
        if (budget.softLimitPercent() != null) {
            if (budget.softLimitPercent() < 1 || budget.softLimitPercent() > 100) {
                throw GatewayException.invalidField("budget.softLimitPercent",
                        "Field 'budget.softLimitPercent' must be between 1 and 100");
            }
            if (budget.none()) {
                throw GatewayException.invalidField("budget.softLimitPercent",
                        "Field 'budget.softLimitPercent' needs 'monthlyUsdMicros' or 'monthlyTokens'");
            }
        }
        return budgets.save(subject, kind, budget).map(saved -> {
            limits.invalidate(subject);
            if (!saved) {
                throw GatewayException.notFound(kind + "_not_found", "No " + kind + " with id " + subject);
            }
            return null;
        });
    }

    private static void requireNotNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw GatewayException.invalidField(field, "Field '" + field + "' must not be negative");
        }
    }

    /**
     * A subject's spend against its budget: the soft limit watched, then a used-up budget refused (429).
     *
     * @param kind "tenant" or "API key", as the messages name it
     */
    private void judge(UUID subject, String kind, Budget budget, Spend spend) {
        watchSoftLimit(subject, kind, budget, spend);
        enforce(kind, budget, spend);
    }

    /** Reports (a log line, a metric) the first time in a month a subject's spend reaches its soft limit. */
    private void watchSoftLimit(UUID subject, String kind, Budget budget, Spend spend) {
        if (!budget.softLimitReached(spend)) {
            overSoftLimit.remove(subject);
            return;
        }
        YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        if (!month.equals(overSoftLimit.put(subject, month))) {
            softLimitCrossings.increment();
            LOG.infof("%s %s reached %d%% of its monthly budget (spent %d micro-dollars, %d tokens)",
                    Character.toUpperCase(kind.charAt(0)) + kind.substring(1), subject,
                    budget.softLimitPercent(), spend.usdMicros(), spend.tokens());
        }
    }

    private double overSoftLimitNow() {
        YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        return overSoftLimit.values().stream().filter(month::equals).count();
    }

    private static void enforce(String subject, Budget budget, Spend spend) {
        boolean money = budget.monthlyUsdMicros() != null && spend.usdMicros() >= budget.monthlyUsdMicros();
        boolean tokens = budget.monthlyTokens() != null && spend.tokens() >= budget.monthlyTokens();
        if (money || tokens) {
            throw new GatewayException(429, ErrorType.INSUFFICIENT_QUOTA, "insufficient_quota", null,
                    "You exceeded this " + subject + "'s monthly " + (money ? "budget" : "token budget")
                            + "; it resets at the start of next month (UTC) or when an admin raises it",
                    // OpenAI's and Anthropic's SDKs retry a 429 unless told not to: trying again cannot help
                    Map.of("x-should-retry", "false"));
        }
    }

    private Uni<Map<UUID, Budget>> limitsOf(UUID tenantId, UUID keyId) {
        Budget tenant = limits.getIfPresent(tenantId);
        Budget key = limits.getIfPresent(keyId);
        if (tenant != null && key != null) {
            return Uni.createFrom().item(Map.of(tenantId, tenant, keyId, key));
        }
        List<UUID> subjects = new ArrayList<>(List.of(tenantId, keyId));
        return budgets.find(subjects).map(found -> {
            Budget t = found.getOrDefault(tenantId, Budget.NONE);
            Budget k = found.getOrDefault(keyId, Budget.NONE);
            limits.put(tenantId, t);
            limits.put(keyId, k);
            return Map.of(tenantId, t, keyId, k);
        });
    }

    private Uni<Spend> spendOf(UUID tenantId, UUID keyId) {
        SpendKey cacheKey = new SpendKey(tenantId, keyId);
        Spend cached = spends.getIfPresent(cacheKey);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return monthSpend(tenantId, keyId).invoke(s -> spends.put(cacheKey, s));
    }

    private record SpendKey(UUID tenantId, UUID keyId) {
    }
}
