package dev.elector;

/**
 * The cluster refused an operation to this client's identity: a missing role or permission on etcd, an
 * ACL on ZooKeeper. The message names the identity, the operation and the path, never a secret.
 * Retrying does not help until an operator grants the rights.
 */
public class AccessDeniedException extends ElectionException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message who was refused what, on which path
     * @param cause the backend's own exception, or {@code null}
     */
    public AccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
