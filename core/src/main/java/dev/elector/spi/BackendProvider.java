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
     * The URI query options this backend takes besides core's ({@code sessionTimeout},
     * {@code connectTimeout}, {@code safetyMargin}, {@code tls}); any other is refused. Their values reach
     * {@link #connect} in {@link ConnectionSpec#parameters()}. Never a secret: URIs are logged.
     *
     * @return the option names, empty by default
     */
    default java.util.Set<String> uriOptions() {
        return java.util.Set.of();
    }

    /**
     * Connects and returns once a session exists, blocking at most the connect timeout. Core calls this on
     * the thread that called {@code Coordinator.connect}, never on one of its own.
     *
     * @param spec the parsed URI and options
     * @param listener told of every change of session from now on; must be set before the backend can
     *     report one
     * @return a connected backend
     * @throws IllegalArgumentException if the options break a rule of this backend
     * @throws dev.elector.CoordinatorUnavailableException if the cluster was not reached in time
     */
    Backend connect(ConnectionSpec spec, SessionListener listener);
}
