package dev.elector.spring;

import dev.elector.Participant;
import java.util.Optional;

/**
 * The head of a declared election's queue changed. Published on every instance, leader or not.
 *
 * @param election the election name
 * @param leader the new head, empty if the queue is empty
 */
public record LeaderChangedEvent(String election, Optional<Participant> leader) {
}
