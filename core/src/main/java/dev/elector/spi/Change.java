package dev.elector.spi;

/** What a watch on an entry saw, as far as the backend can tell from the notification alone. */
public enum Change {
    /** The entry was deleted or changed, by anyone, or the watch was lost: read again before acting. */
    CHANGED,
    /**
     * The entry was deleted by its owner with {@code handOver} set in {@link Backend#delete}, and that
     * deletion alone was seen: its owner had ended its term before. Only backends that can carry the mark in
     * the deletion itself report this.
     */
    HANDED_OVER
}
