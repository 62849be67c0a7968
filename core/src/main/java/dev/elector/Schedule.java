package dev.elector;

import java.time.Duration;
import java.time.Instant;

/**
 * When a leader-only task runs. Ticks come from the wall clock, so every participant computes the same
 * ones: a new leader serves the next tick after its election, never one its predecessor already served.
 */
@FunctionalInterface
public interface Schedule {
    /**
     * The first tick strictly after {@code after}.
     *
     * @param after a point in time
     * @return the next tick
     */
    Instant next(Instant after);

    /**
     * Ticks at every multiple of {@code period} since the Unix epoch, the same on every host.
     *
     * @param period positive
     * @return the schedule
     * @throws IllegalArgumentException if the period is not positive
     */
    static Schedule atFixedRate(Duration period) {
        long nanos = Checks.positive("period", period).toNanos();
        return after -> {
            long since = after.getEpochSecond() * 1_000_000_000L + after.getNano();
            long tick = Math.floorDiv(since, nanos) + 1;
            return Instant.ofEpochSecond(0, Math.multiplyExact(tick, nanos));
        };
    }
}
