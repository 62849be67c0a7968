package dev.elector;

/**
 * The cluster did not accept this client's credentials, or requires credentials and none were given.
 * The message says which and names the user, never the password.
 */
public class AuthenticationException extends ElectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the cluster said, and for which user
     * @param cause the backend's own exception, or {@code null}
     */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
