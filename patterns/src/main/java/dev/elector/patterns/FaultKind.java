package dev.elector.patterns;

import java.util.Locale;

/** The kinds of fault the timeline can hold; the names are the values of {@code --faults}. */
enum FaultKind {
    /** A node (often the leader) crashes and restarts later with an empty memory. */
    CRASH,
    /** A node (often the leader) stops running, as in a long GC pause; its clock keeps going. */
    PAUSE,
    /** The nodes split in two groups that cannot reach each other; the registry stays with the larger group. */
    PARTITION,
    /** One node loses its links to some of the others only, so others can still reach both sides. */
    PARTIAL,
    /** One node's messages in one direction only are dropped: it can hear but not be heard, or the reverse. */
    ONEWAY,
    /** A window in which each message is lost with some probability. */
    LOSS,
    /** A window in which each message may be delivered twice. */
    DUPLICATE,
    /** A window of extra message delay. */
    DELAY,
    /** Each node's clock runs at its own rate, within the drift bound. */
    DRIFT;

    /** The command-line name. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
