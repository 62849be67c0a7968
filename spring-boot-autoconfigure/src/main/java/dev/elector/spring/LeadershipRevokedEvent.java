package dev.elector.spring;

import dev.elector.Leadership;
import dev.elector.RevocationReason;

/**
 * This instance's term in a declared election ended. The successor is not elected before every handler of
 * this event has returned (or one second has passed).
 *
 * @param election the election name
 * @param term the term that ended
 * @param reason why it ended
 */
public record LeadershipRevokedEvent(String election, Leadership term, RevocationReason reason) {
}
