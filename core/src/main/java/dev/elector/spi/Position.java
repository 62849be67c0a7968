package dev.elector.spi;

import java.util.Optional;

/**
 * Where a candidate entry stands in its queue, from one read.
 *
 * @param present whether the entry is still in the queue as the very entry that was registered
 * @param predecessor the entry right before it, empty if it is first
 */
public record Position(boolean present, Optional<Entry> predecessor) {
}
