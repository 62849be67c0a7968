package dev.elector;

import java.time.Duration;

/**
 * Hears of a coordinator's connection state changes, like Curator's {@code ConnectionStateListener}:
 * for logs, health checks and metrics. Leadership needs none of it: every term ends at its own deadline
 * whether or not anyone listens. Called on one of Elector's listener threads, one change at a time, in
 * the order they happened, never twice in a row with the same state.
 */
@FunctionalInterface
public interface ConnectionListener {
    /**
     * The state changed.
     *
     * @param state the new state
     */
    void stateChanged(ConnectionState state);

    /**
     * One renewal of the session (a ZooKeeper {@code sync}, an etcd lease keep-alive) was answered or
     * failed: for a round-trip timer. Called for each renewal, a few times per session timeout.
     *
     * @param roundTrip from sending the renewal to its answer or failure
     * @param failure why it failed, or {@code null} if the server acknowledged it
     */
    default void renewed(Duration roundTrip, Throwable failure) {
    }
}
