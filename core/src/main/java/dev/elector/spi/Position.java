package dev.elector.spi;

/** Where a candidate entry stands in its queue, from one read. */
public sealed interface Position {
    /** The entry is no longer in the queue as the very entry that was registered: never claim with it. */
    record Gone() implements Position {
    }

    /** The entry is there, ours, and first. */
    record First() implements Position {
    }

    /**
     * The entry is there, ours, and right behind {@code predecessor}, which it watches.
     *
     * @param predecessor the entry just before it
     */
    record Behind(EntryRef predecessor) implements Position {
    }

    /** The one {@link Gone}. */
    Position GONE = new Gone();

    /** The one {@link First}. */
    Position FIRST = new First();
}
