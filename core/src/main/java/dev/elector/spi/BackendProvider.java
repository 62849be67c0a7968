package dev.elector.spi;

/**
 * Found through {@link java.util.ServiceLoader} by URI scheme. Each backend module lists its provider
 * in {@code META-INF/services/dev.elector.spi.BackendProvider}.
 */
public interface BackendProvider {
    /**
     * The URI scheme this provider serves, such as {@code zk}.
     *
     * @return the scheme, lower case
     */
    String scheme();

    /**
     * The port used when the URI gives none.
     *
     * @return the default client port
     */
    int defaultPort();

    /**
     * Connects, blocking at most the connect timeout, and returns once a session exists.
     *
     * @param spec the parsed URI and options
     * @return a connected backend
     * @throws IllegalArgumentException if the server refuses the requested session timeout
     * @throws dev.elector.CoordinatorUnavailableException if the cluster was not reached in time
     */
    Backend connect(ConnectionSpec spec);
}
