package dev.elector.spring;

import dev.elector.Leadership;

/**
 * This instance was elected in a declared election. Published on Elector's listener thread; keep the
 * handler short.
 *
 * @param election the election name
 * @param term the new term, with its fencing token
 */
public record LeadershipGrantedEvent(String election, Leadership term) {
}
