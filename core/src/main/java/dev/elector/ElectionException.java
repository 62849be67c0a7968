package dev.elector;

/**
 * Root of Elector's unchecked exceptions. A backend failure that the caller cannot act on is thrown as
 * this type with its cause kept; the subtypes name the states a caller can act on.
 */
public class ElectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, naming the value involved
     */
    public ElectionException(String message) {
        super(message);
    }

    /**
     * Creates an exception that keeps its cause.
     *
     * @param message what went wrong, naming the value involved
     * @param cause the backend's own exception
     */
    public ElectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
