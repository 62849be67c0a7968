package dev.elector.spring;

import dev.elector.ElectionException;

/** A {@link LeaderOnly} method was called while this instance did not lead its election. */
public class NotLeaderException extends ElectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the method and the election
     */
    public NotLeaderException(String message) {
        super(message);
    }
}
