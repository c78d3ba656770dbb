package io.tollgate.usage;

import java.util.List;

/** One page of raw usage rows; {@code nextCursor} null on the last page. */
public record UsagePage(List<UsageRecord> data, String nextCursor) {
}
