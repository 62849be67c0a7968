package dev.elector;

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
}
