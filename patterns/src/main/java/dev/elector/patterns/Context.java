package dev.elector.patterns;

import java.util.random.RandomGenerator;

/** What a {@link Handler} may do: its only window on time, the network and the checker. */
interface Context {
    /** A deadline that means "until further notice": the algorithm gives itself no deadline. */
    long UNTIL_FURTHER_NOTICE = Long.MAX_VALUE;

    /** This node's id, 0 to {@code nodes() - 1}. */
    int self();

    /** How many election nodes there are (the registry is not one of them). */
    int nodes();

    /** This node's own monotonic clock in nanoseconds. It drifts per node, and is not comparable across nodes. */
    long now();

    /** Sends a message; it may be delayed, lost, duplicated or cut off by a partition. */
    void send(int to, Msg msg);

    /** Fires {@link Handler#onTimer} after {@code delayNanos} of this node's clock. */
    Timer setTimer(long delayNanos, String tag);

    /** A random source for this node, derived from the seed. */
    RandomGenerator random();

    /**
     * Records "I believe I lead with this token until {@code deadline} on my own clock"
     * ({@link #UNTIL_FURTHER_NOTICE} if the algorithm has no deadline). Calling it again with the same
     * token moves the deadline; with another token it starts a new term.
     */
    void lead(long token, long deadline);

    /** Records "I no longer believe I lead". */
    void unlead();

    /** A timer that can be cancelled. */
    interface Timer {
        void cancel();
    }
}
