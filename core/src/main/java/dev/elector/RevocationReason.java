package dev.elector;

/** Why a term of leadership ended. */
public enum RevocationReason {
    /** {@link Election#resign()} was called: the participant went to the back of the queue. */
    RESIGNED,
    /** The election or its coordinator was closed. */
    CLOSED,
    /**
     * No session or lease renewal was acknowledged before the term's validity deadline. The server may
     * expire the session soon and elect another participant, so this one stepped down first.
     */
    DEADLINE_PASSED,
    /** The session or lease ended; every candidate entry bound to it is gone. */
    SESSION_LOST,
    /**
     * The participant's own candidate entry was deleted or changed from outside, for example by an operator,
     * or the backend could no longer watch it.
     */
    ENTRY_DELETED
}
