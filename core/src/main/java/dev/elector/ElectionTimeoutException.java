package dev.elector;

/** A wait, such as {@link Election#awaitLeadership}, ran out of time. The caller may wait again. */
public class ElectionTimeoutException extends ElectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was awaited and for how long
     */
    public ElectionTimeoutException(String message) {
        super(message);
    }
}
