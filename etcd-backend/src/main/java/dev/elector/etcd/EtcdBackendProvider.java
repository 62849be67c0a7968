package dev.elector.etcd;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.SessionListener;
import io.etcd.jetcd.ClientBuilder;

/**
 * Serves {@code etcd://host:port[,host:port...]/namespace} URIs. Found by {@link java.util.ServiceLoader};
 * applications never call it directly.
 */
public final class EtcdBackendProvider implements BackendProvider {
    /** The application's builder, for {@link EtcdCoordinators}; null for the provider the ServiceLoader makes. */
    private final ClientBuilder users;

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public EtcdBackendProvider() {
        this(null);
    }

    /** Serves one coordinator with a copy of the application's builder. */
    EtcdBackendProvider(ClientBuilder users) {
        this.users = users;
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
        return EtcdBackend.connect(spec, listener, users);
    }
}
