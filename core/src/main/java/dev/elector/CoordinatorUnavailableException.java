package dev.elector;

/**
 * The cluster could not be reached within the connect timeout. Nothing was left running: retrying
 * {@link Coordinator#connect} later is safe.
 */
public class CoordinatorUnavailableException extends ElectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which cluster, and for how long it was tried
     * @param cause the backend's own exception, or {@code null}
     */
    public CoordinatorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
