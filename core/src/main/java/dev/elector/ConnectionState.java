package dev.elector;

/**
 * The state of a coordinator's session, as its own renewals prove it. The coordinator moves between
 * these on its own: it retries for as long as it is open, and its candidates join again when it is back.
 */
public enum ConnectionState {
    /** The last renewal was acknowledged in time: the session is certainly alive on the server. */
    CONNECTED,
    /**
     * No renewal was acknowledged before the validity deadline: every leader of this coordinator has
     * stepped down. The session may still be alive on the server; the coordinator keeps renewing it.
     */
    SUSPENDED,
    /**
     * The server ended the session, and every entry of it is gone. The coordinator opens a new session;
     * {@link #CONNECTED} follows once a renewal of that one is acknowledged.
     */
    SESSION_LOST,
    /** The coordinator was closed. */
    CLOSED
}
