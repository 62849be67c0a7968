package dev.elector.spi;

/** A one-shot watch that {@link Backend#watch} left on an entry. */
@FunctionalInterface
public interface Watch {
    /**
     * Withdraws the watch if it has not fired, so that a candidate deleting its own entry wakes its successor
     * only, not itself: once this returns, the callback never runs. Other watches on the same entry stay.
     * Does nothing if it fired or was withdrawn. Must not block.
     */
    void cancel();
}
