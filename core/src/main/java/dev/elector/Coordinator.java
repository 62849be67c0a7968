package dev.elector;

/**
 * A connection to one coordination cluster, shared by all the elections created from it: one ZooKeeper
 * session or one etcd lease, one renewal loop, and a small fixed set of threads, whatever the number of
 * elections.
 *
 * <pre>{@code
 * try (Coordinator coordinator = Coordinator.connect("zk://127.0.0.1:2181/myapp")) {
 *     Election election = coordinator.election("nightly-report").start();
 *     Leadership term = election.awaitLeadership(Duration.ofSeconds(30));
 *     report.run(term.fencingToken());
 * }
 * }</pre>
 */
public interface Coordinator extends AutoCloseable {
    /**
     * Connects with default options. See {@link #connect(String, CoordinatorOptions)}.
     *
     * @param uri for example {@code zk://h1:2181,h2:2181/myapp}
     * @return a connected coordinator
     * @throws IllegalArgumentException if the URI is malformed, names an unknown scheme, or asks for a
     *     session timeout the server refuses
     * @throws ElectionException if no module on the classpath serves the URI's scheme
     * @throws CoordinatorUnavailableException if the cluster was not reached within the connect timeout
     */
    static Coordinator connect(String uri) {
        return connect(uri, CoordinatorOptions.defaults());
    }

    /**
     * Connects to the cluster the URI names, through the backend module that serves its scheme
     * ({@code zk} from {@code elector-zookeeper}, {@code etcd} from {@code elector-etcd}). The URI has the
     * form {@code scheme://host[:port][,host[:port]...][/namespace][?option=value&...]}; its options
     * ({@code sessionTimeout}, {@code connectTimeout}, {@code safetyMargin}, as {@code 500ms}, {@code 10s}
     * or ISO-8601) take precedence over {@code options}. Returns once the session is established and its
     * first renewal is acknowledged.
     *
     * @param uri the cluster
     * @param options timeouts and margins
     * @return a connected coordinator
     * @throws IllegalArgumentException if the URI is malformed, names an unknown scheme, or asks for a
     *     session timeout the server refuses
     * @throws ElectionException if no module on the classpath serves the URI's scheme
     * @throws CoordinatorUnavailableException if the cluster was not reached within the connect timeout
     */
    static Coordinator connect(String uri, CoordinatorOptions options) {
        return DefaultCoordinator.connect(uri, options);
    }

    /**
     * Connects through {@code provider} instead of the module found for the URI's scheme: for backend
     * modules that wrap a client the application built itself (such as
     * {@code ZooKeeperCoordinators.connect(CuratorFramework, ...)}), and for tests with a backend of their
     * own. Otherwise as {@link #connect(String, CoordinatorOptions)}.
     *
     * @param uri the cluster, parsed with {@code provider}'s default port and URI options; shown in messages
     * @param options timeouts, margins, TLS and credentials, as the provider uses them
     * @param provider the backend to connect with
     * @return a connected coordinator
     * @throws IllegalArgumentException if the URI or the options break a rule
     * @throws CoordinatorUnavailableException if the cluster was not reached within the connect timeout
     */
    static Coordinator connect(String uri, CoordinatorOptions options, dev.elector.spi.BackendProvider provider) {
        return DefaultCoordinator.connect(uri, options, java.util.Objects.requireNonNull(provider, "provider"), null);
    }

    /**
     * Creates a candidate with default options. See {@link #election(String, ElectionOptions)}.
     *
     * @param name the election name
     * @return a new, not yet started, election
     */
    Election election(String name);

    /**
     * Creates a participant in the named election. Each call creates a separate participant, so several
     * may share one coordinator.
     *
     * @param name 1 to 128 characters, with no {@code /}, no {@code ..} and no control characters
     * @param options the participant's id, metadata and role
     * @return a new, not yet started, election
     * @throws IllegalArgumentException if the name breaks a rule
     * @throws ElectionClosedException if the coordinator was closed
     */
    Election election(String name, ElectionOptions options);

    /**
     * The URI this coordinator connected to, without credentials.
     *
     * @return the URI
     */
    String uri();

    /**
     * The session's state, as the renewals prove it.
     *
     * @return the state now; {@link ConnectionState#CLOSED} after {@link #close()}
     */
    ConnectionState connectionState();

    /**
     * Adds a listener of {@link #connectionState()} changes, from now on.
     *
     * @param listener the listener
     */
    void addConnectionListener(ConnectionListener listener);

    /**
     * Removes a listener added with {@link #addConnectionListener}.
     *
     * @param listener the listener
     */
    void removeConnectionListener(ConnectionListener listener);

    /**
     * Closes every election created here, then the session, then every thread Elector started.
     * Idempotent.
     */
    @Override
    void close();
}
