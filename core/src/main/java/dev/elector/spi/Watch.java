package dev.elector.spi;

/** A one-shot watch that {@link Backend#watch} left on an entry. */
public interface Watch {
    /**
     * The entry as read when the watch was left.
     *
     * @return the entry, with its owner and token
     */
    Entry entry();

    /**
     * Withdraws the watch if it has not fired, so that a candidate deleting its own entry wakes its successor
     * only, not itself: once this returns, the callback never runs. Other watches on the same entry stay.
     * Does nothing if it fired or was withdrawn. Must not block.
     */
    void cancel();

    /**
     * A watch made of its parts, for backends.
     *
     * @param entry the entry as read when the watch was left
     * @param cancel what withdraws it
     * @return the watch
     */
    static Watch of(Entry entry, Runnable cancel) {
        return new Watch() {
            @Override
            public Entry entry() {
                return entry;
            }

            @Override
            public void cancel() {
                cancel.run();
            }
        };
    }
}
