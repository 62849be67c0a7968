package dev.elector.test;

import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The terms a test's participants believed they held, recorded from their own listeners, and the checks
 * of the fault suite over them: no two believed-leader intervals overlap, where an interval ends at the
 * term's revocation or, if sooner, at its own validity deadline; tokens strictly increase from term to
 * term; and a leader is elected within a bound. Thread-safe.
 */
public final class LeadershipHistory {
    /**
     * One term as its holder saw it, on the history's clock.
     *
     * @param participantId who held it
     * @param token its fencing token
     * @param startNanos when it was elected
     * @param endNanos when it ended: revoked, or its deadline if that came first; {@code Long.MAX_VALUE} while held
     */
    public record Term(String participantId, long token, long startNanos, long endNanos) {
    }

    private final LongSupplier clock;
    private final List<Term> terms = new ArrayList<>();

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
                begin(term);
            }

            @Override
            public void revoked(Leadership term, RevocationReason reason) {
                end(term);
            }
        });
        return election;
    }

    private synchronized void begin(Leadership term) {
        terms.add(new Term(term.participantId(), term.fencingToken(), clock.getAsLong(), Long.MAX_VALUE));
    }

    private synchronized void end(Leadership term) {
        for (int i = terms.size() - 1; i >= 0; i--) {
            Term t = terms.get(i);
            if (t.participantId().equals(term.participantId()) && t.token() == term.fencingToken() && t.endNanos() == Long.MAX_VALUE) {
                long now = clock.getAsLong();
                long deadline = term.validUntilNanos();
                terms.set(i, new Term(t.participantId(), t.token(), t.startNanos(), deadline - now < 0 ? deadline : now));
                return;
            }
        }
    }

    /**
     * The terms so far, by start.
     *
     * @return a copy
     */
    public synchronized List<Term> terms() {
        List<Term> copy = new ArrayList<>(terms);
        copy.sort(Comparator.comparingLong(Term::startNanos));
        return copy;
    }

    /**
     * Fails if two participants' believed-leader intervals overlap.
     *
     * @throws AssertionError naming the two terms
     */
    public void assertNoOverlap() {
        List<Term> all = terms();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Term a = all.get(i);
                Term b = all.get(j);
                if (!a.participantId().equals(b.participantId()) && b.startNanos() < a.endNanos()) {
                    throw new AssertionError("two leaders at once: " + a + " overlaps " + b + " by "
                            + Duration.ofNanos(Math.min(a.endNanos(), b.endNanos()) - b.startNanos()).toMillis() + " ms");
                }
            }
        }
    }

    /**
     * Fails unless every term's token is greater than the one before it.
     *
     * @throws AssertionError naming the terms out of order
     */
    public void assertTokensIncrease() {
        List<Term> all = terms();
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).token() <= all.get(i - 1).token()) {
                throw new AssertionError("a token did not increase: " + all.get(i - 1) + " then " + all.get(i));
            }
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
        for (Term t : terms()) {
            if (t.startNanos() - sinceNanos >= 0 && t.startNanos() - sinceNanos <= bound.toNanos()) {
                return;
            }
        }
        throw new AssertionError("no leader was elected within " + dev.elector.Durations.format(bound) + ": " + terms());
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
