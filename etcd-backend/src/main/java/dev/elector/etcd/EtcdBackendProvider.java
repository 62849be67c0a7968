package dev.elector.etcd;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.SessionListener;

/**
 * Serves {@code etcd://host:port[,host:port...]/namespace} URIs. Found by {@link java.util.ServiceLoader};
 * applications never call it directly.
 */
public final class EtcdBackendProvider implements BackendProvider {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public EtcdBackendProvider() {
    }

    @Override
    public String scheme() {
        return "etcd";
    }

    @Override
    public int defaultPort() {
        return 2379;
    }

    @Override
    public Backend connect(ConnectionSpec spec, SessionListener listener) {
        return EtcdBackend.connect(spec, listener);
    }
}
