package dev.elector.raft;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.SessionListener;
import java.util.Set;

/**
 * Serves {@code raft://host:port,host:port,host:port/namespace} URIs: with
 * {@code ?self=host:port&dataDir=PATH} this JVM is one of the listed voters and runs its Raft node; without
 * them it reaches the group as a client only. Found by {@link java.util.ServiceLoader}; applications never
 * call it directly.
 */
public final class RaftBackendProvider implements BackendProvider {
    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public RaftBackendProvider() {
    }

    @Override
    public String scheme() {
        return "raft";
    }

    /** Raft has no conventional port; Elector's examples use 7000. */
    @Override
    public int defaultPort() {
        return 7000;
    }

    /**
     * {@code self} (this voter, as listed), {@code dataDir} (its log and snapshots), {@code electionTimeout}
     * (a voter's shortest Raft election timeout, 1s by default; the longest is twice it) and
     * {@code evenVoters=allow} (accept an even number of voters), and, for a JVM that reaches the voters
     * through other addresses (a tunnel, a NAT, a proxy), {@code voters=h1:p1,h2:p2,...}: the voters as the
     * group knows them, one for each address of the URI, in the same order ({@code self} then names itself
     * as {@code voters} does, and listens on that port).
     */
    @Override
    public Set<String> uriOptions() {
        return RaftSettings.OPTIONS;
    }

    @Override
    public Backend connect(ConnectionSpec spec, SessionListener listener) {
        return RaftBackend.connect(spec, listener);
    }
}
