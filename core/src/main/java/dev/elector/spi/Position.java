package dev.elector.spi;

import java.util.Optional;

/**
 * Where a candidate entry stands in its queue, from one read.
 *
 * @param present whether the entry is still in the queue as the very entry that was registered
 * @param predecessor the entry right before it, empty if it is first
 * @param predecessorIsHead whether that predecessor was first in the queue at the time of the read: then
 *     its deletion alone makes this entry first, as later entries always queue behind
 */
public record Position(boolean present, Optional<Entry> predecessor, boolean predecessorIsHead) {
}
