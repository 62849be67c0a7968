package dev.elector;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One term. Its validity is read live from the coordinator's liveness, until the term ends. */
final class Term implements Leadership {
    private final String election;
    private final String participantId;
    private final long token;
    private final long epoch;
    private final Liveness liveness;
    private final CompletableFuture<RevocationReason> lost = new CompletableFuture<>();
    /** Why the term ended, set once; null while it holds. */
    private volatile RevocationReason ended;
    /** Written before {@link #ended}, so a reader that sees the reason sees this too. */
    private volatile long endedAt;

    Term(String election, String participantId, long token, long epoch, Liveness liveness) {
        this.election = election;
        this.participantId = participantId;
        this.token = token;
        this.epoch = epoch;
        this.liveness = liveness;
    }

    @Override
    public String election() {
        return election;
    }

    @Override
    public String participantId() {
        return participantId;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public long validUntilNanos() {
        return ended != null ? endedAt : liveness.deadline();
    }

    @Override
    public Duration remaining() {
        return isValid() ? Duration.ofNanos(Math.max(0, validUntilNanos() - liveness.now())) : Duration.ZERO;
    }

    @Override
    public boolean isValid() {
        return ended == null && liveness.isValid(epoch);
    }

    @Override
    public CompletionStage<RevocationReason> lost() {
        return lost.minimalCompletionStage();
    }

    /**
     * Ends the term, on any thread: from now on it is invalid and its deadline is frozen no later than now.
     * A term whose deadline had passed already ended then, whatever noticed it afterwards (an expired lease's
     * deleted entry, the session's loss): its reason is {@link RevocationReason#DEADLINE_PASSED}.
     *
     * @param reason why, as the caller saw it
     * @return the reason the term ended with, the first one given
     */
    synchronized RevocationReason end(RevocationReason reason) {
        if (ended != null) {
            return ended;
        }
        long now = liveness.now();
        long deadline = liveness.deadline();
        boolean passed = deadline - now <= 0;
        RevocationReason why = passed && reason != RevocationReason.RESIGNED && reason != RevocationReason.CLOSED
                ? RevocationReason.DEADLINE_PASSED : reason;
        endedAt = passed ? deadline : now;
        ended = why;
        return why;
    }

    /** Completes {@link #lost()}; called on the listeners' executor, behind the revocation. */
    void completeLost() {
        lost.complete(ended);
    }

    @Override
    public String toString() {
        return "Term{election=" + election + ", participant=" + participantId + ", token=" + token + ", valid=" + isValid() + "}";
    }
}
