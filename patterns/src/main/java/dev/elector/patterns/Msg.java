package dev.elector.patterns;

/**
 * A message between nodes. Each algorithm's messages say whether they are election traffic (counted in
 * "messages per election") or steady-state traffic such as heartbeats and renewals.
 */
interface Msg {
    /**
     * Whether this message belongs to electing a leader, as opposed to keeping one; most do, so only
     * heartbeats, renewals and the like say otherwise.
     */
    default boolean election() {
        return true;
    }
}
