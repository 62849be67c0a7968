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
    private volatile boolean ended;
    private volatile long endedAt;
    private volatile boolean nothingAwaitedLoss;

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
        return ended ? endedAt : liveness.deadline();
    }

    @Override
    public Duration remaining() {
        return isValid() ? Duration.ofNanos(Math.max(0, validUntilNanos() - System.nanoTime())) : Duration.ZERO;
    }

    @Override
    public boolean isValid() {
        return !ended && liveness.isValid(epoch);
    }

    @Override
    public CompletionStage<RevocationReason> lost() {
        return lost.minimalCompletionStage();
    }

    /**
     * Whether nothing waited on this term's loss when it ended: {@link #lost()} had not been asked for a
     * stage. Taken at the end, as completing the stage unhooks its handlers while they run.
     */
    boolean nothingAwaitedLoss() {
        return nothingAwaitedLoss;
    }

    /**
     * Ends the term: from now on it is invalid, and its deadline is frozen no later than now. The
     * {@link #lost()} stage completes on the listeners' executor, queued here and run at their next delivery,
     * so its handlers run in order with the listeners and never under the caller's lock.
     */
    void end(RevocationReason reason, Listeners callbacks) {
        long now = System.nanoTime();
        long deadline = liveness.deadline();
        endedAt = deadline - now < 0 ? deadline : now;
        nothingAwaitedLoss = lost.getNumberOfDependents() == 0;
        ended = true;
        if (nothingAwaitedLoss) {
            lost.complete(reason); // runs nothing: no thread need wake for it
        } else {
            callbacks.queueTask(() -> lost.complete(reason));
        }
    }

    @Override
    public String toString() {
        return "Term{election=" + election + ", participant=" + participantId + ", token=" + token + ", valid=" + isValid() + "}";
    }
}
