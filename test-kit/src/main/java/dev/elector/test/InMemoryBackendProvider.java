package dev.elector.test;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.SessionListener;

/**
 * Serves {@code mem://NAME/NAMESPACE}: the in-memory cluster of that name, one registry per namespace.
 * Registered through {@code META-INF/services}, so a test needs only the kit on its classpath.
 */
public final class InMemoryBackendProvider implements BackendProvider {
    /** Made by {@link java.util.ServiceLoader}. */
    public InMemoryBackendProvider() {
    }

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public int defaultPort() {
        return 1;
    }

    @Override
    public Backend connect(ConnectionSpec spec, SessionListener listener) {
        return InMemoryBackend.open(InMemoryCluster.named(spec.endpoints().get(0).host(), spec.namespace()), spec.options().sessionTimeout(), listener);
    }
}
