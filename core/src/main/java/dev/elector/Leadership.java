package dev.elector;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * One term of leadership. A term starts when the participant is elected and ends, once and for good,
 * when it resigns, closes, loses its session or entry, or passes its validity deadline. A later term of
 * the same participant is a new {@code Leadership} with a greater token.
 */
public interface Leadership {
    /**
     * The election this term belongs to.
     *
     * @return the election name
     */
    String election();

    /**
     * The participant that leads in this term.
     *
     * @return the participant id
     */
    String participantId();

    /**
     * The fencing token. It strictly increases from one term of an election to the next, whichever
     * participant leads. Pass it to every resource the leader writes, and have the resource reject tokens
     * below the highest it has seen.
     *
     * @return the token of this term
     */
    long fencingToken();

    /**
     * The validity deadline on {@link System#nanoTime()}. Before it, no other participant can have been
     * elected. It moves forward while renewals are acknowledged, and stops at the end of the term.
     * Compare with {@code validUntilNanos() - System.nanoTime() > 0}, never with {@code <} on raw values.
     *
     * @return the deadline in {@code System.nanoTime()} units
     */
    long validUntilNanos();

    /**
     * The time left before the deadline, or zero once it has passed or the term has ended.
     *
     * @return the remaining validity, never negative
     */
    Duration remaining();

    /**
     * Whether the term still holds: it has not ended and its deadline has not passed. Answered locally.
     *
     * @return {@code true} while this participant may act as the leader
     */
    boolean isValid();

    /**
     * Completes, once, when this term ends, with the reason. Completion is signalled on Elector's own
     * threads: keep dependent actions short, or move them to an executor of your own.
     *
     * @return a stage that completes with the reason the term ended
     */
    CompletionStage<RevocationReason> lost();
}
