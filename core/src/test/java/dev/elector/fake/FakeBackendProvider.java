package dev.elector.fake;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.SessionListener;

/** Serves {@code fake://cluster-name} for the state-machine unit tests. */
public final class FakeBackendProvider implements BackendProvider {
    @Override
    public String scheme() {
        return "fake";
    }

    @Override
    public int defaultPort() {
        return 1;
    }

    @Override
    public Backend connect(ConnectionSpec spec, SessionListener listener) {
        return FakeBackend.open(FakeCluster.named(spec.endpoints().get(0).host()), spec.options().sessionTimeout(), listener);
    }
}
