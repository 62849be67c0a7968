package dev.elector.test;

import dev.elector.Durations;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import dev.elector.test.cluster.History;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The terms a test's participants believed they held, recorded from their own listeners into the same
 * {@link History} the fault suite checks, with its checks as assertions: no two believed-leader intervals
 * overlap, where an interval ends at the term's revocation or, if sooner, at its own validity deadline;
 * tokens strictly increase from term to term; and a leader is elected within a bound. Thread-safe.
 */
public final class LeadershipHistory {
    private final LongSupplier clock;
    private final History history = new History();

    private LeadershipHistory(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * A history on the cluster's time: the manual clock of the in-memory tier, else {@link System#nanoTime()}.
     *
     * @param cluster the cluster the recorded elections run on
     * @return an empty history
     */
    public static LeadershipHistory of(TestCluster cluster) {
        return new LeadershipHistory(cluster.clock().<LongSupplier>map(c -> c::nanoTime).orElse(System::nanoTime));
    }

    /**
     * Records the terms of {@code election} from now on.
     *
     * @param election a candidate
     * @return the election, for chaining
     */
    public Election record(Election election) {
        election.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                history.elected(term.participantId(), term.fencingToken(), clock.getAsLong());
            }

            @Override
            public void revoked(Leadership term, RevocationReason reason) {
                long now = clock.getAsLong();
                long deadline = term.validUntilNanos();
                history.ended(term.participantId(), term.fencingToken(), deadline - now < 0 ? deadline : now);
            }
        });
        return election;
    }

    /**
     * The terms so far, in election order, on the history's clock; a term still held ends at {@code Long.MAX_VALUE}.
     *
     * @return a copy
     */
    public List<History.Term> terms() {
        return history.terms();
    }

    /**
     * Fails if two believed-leader intervals overlap.
     *
     * @throws AssertionError with the overlap and the terms
     */
    public void assertNoOverlap() {
        long overlap = history.maxOverlapNanos(now());
        if (overlap > 0) {
            throw new AssertionError("two leaders at once, for " + Duration.ofNanos(overlap).toMillis() + " ms: " + terms());
        }
    }

    /**
     * Fails unless every term's token is greater than the one before it.
     *
     * @throws AssertionError with the terms
     */
    public void assertTokensIncrease() {
        if (!history.tokensIncreasing()) {
            throw new AssertionError("a token did not increase: " + terms());
        }
    }

    /**
     * Fails unless a term began within {@code bound} after {@code sinceNanos}, such as a fault's time.
     *
     * @param sinceNanos a time on the history's clock
     * @param bound how soon
     * @throws AssertionError with the terms
     */
    public void assertLeaderWithin(long sinceNanos, Duration bound) {
        for (History.Term t : terms()) {
            if (t.start() - sinceNanos >= 0 && t.start() - sinceNanos <= bound.toNanos()) {
                return;
            }
        }
        throw new AssertionError("no leader was elected within " + Durations.format(bound) + ": " + terms());
    }

    /**
     * The time now on the history's clock, to pass to {@link #assertLeaderWithin}.
     *
     * @return nanoseconds
     */
    public long now() {
        return clock.getAsLong();
    }
}
