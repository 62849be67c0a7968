package dev.elector.zookeeper;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.SessionListener;

/**
 * Serves {@code zk://host:port[,host:port...]/namespace} URIs. Found by {@link java.util.ServiceLoader};
 * applications never call it directly.
 */
public final class ZooKeeperBackendProvider implements BackendProvider {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public ZooKeeperBackendProvider() {
    }

    @Override
    public String scheme() {
        return "zk";
    }

    @Override
    public int defaultPort() {
        return 2181;
    }

    @Override
    public Backend connect(ConnectionSpec spec, SessionListener listener) {
        return ZooKeeperBackend.connect(spec, listener);
    }
}
