package dev.elector;

/** The election or its coordinator was closed; it cannot be used again. Create a new one instead. */
public class ElectionClosedException extends ElectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was closed
     */
    public ElectionClosedException(String message) {
        super(message);
    }
}
