package dev.elector;

import java.time.Duration;
import java.time.Instant;

/** What one run of a leader-only task knows about the term it runs in. */
public interface JobContext {
    /**
     * The fencing token of the term; pass it with every write this run makes.
     *
     * @return the token
     */
    long fencingToken();

    /**
     * The time left before the term's validity deadline.
     *
     * @return the remaining validity, zero once it is gone
     */
    Duration remainingValidity();

    /**
     * Whether the term still holds. Answered locally.
     *
     * @return {@code true} while this run may act as the leader
     */
    boolean isValid();

    /**
     * Throws once the term is gone; call it before each step that must only happen under leadership.
     *
     * @throws LeadershipLostException if the term has ended or passed its deadline
     */
    void checkValid();

    /**
     * The tick of the schedule this run serves.
     *
     * @return the scheduled time
     */
    Instant scheduledTime();

    /**
     * The term this run belongs to.
     *
     * @return the term
     */
    Leadership term();
}
