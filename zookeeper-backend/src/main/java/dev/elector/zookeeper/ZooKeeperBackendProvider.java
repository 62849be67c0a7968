package dev.elector.zookeeper;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.SessionListener;
import org.apache.curator.framework.CuratorFramework;

/**
 * Serves {@code zk://host:port[,host:port...]/namespace[?acl=creator|creator-read|open]} URIs. Found by
 * {@link java.util.ServiceLoader}; applications never call it directly.
 */
public final class ZooKeeperBackendProvider implements BackendProvider {
    /** The application's started client, for {@link ZooKeeperCoordinators}; null for the provider the ServiceLoader makes. */
    private final CuratorFramework users;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public ZooKeeperBackendProvider() {
        this(null);
    }

    /** Serves one coordinator on the application's client. */
    ZooKeeperBackendProvider(CuratorFramework users) {
        this.users = users;
    }

    @Override
    public String scheme() {
        return "zk";
    }

    @Override
    public int defaultPort() {
        return 2181;
    }

    /** {@code acl}: who may use the nodes Elector creates; see the module's documentation. */
    @Override
    public java.util.Set<String> uriOptions() {
        return java.util.Set.of("acl");
    }

    @Override
    public Backend connect(ConnectionSpec spec, SessionListener listener) {
        return users == null ? ZooKeeperBackend.connect(spec, listener) : ZooKeeperBackend.connectTo(spec, users, listener);
    }
}
