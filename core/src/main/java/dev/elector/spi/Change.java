package dev.elector.spi;

/** What a watch on one entry saw when it fired. */
public enum Change {
    /** The entry was deleted. */
    DELETED,
    /** Anything else: the entry changed, or the watch ended without seeing what happened; read again. */
    OTHER
}
