package dev.elector.test;

import dev.elector.test.cluster.TcpProxy;
import java.time.Duration;
import java.util.List;

/**
 * One participant's own way to a real cluster: a TCP proxy in front of every member, so that the test can
 * cut that participant off, one way or both, slow it down or reset its connections, while the rest of the
 * cluster and the other participants go on. Bytes held while cut off are lost, as in a real partition.
 * Closed after the test. From {@link TestCluster#route()}.
 */
public final class Route implements AutoCloseable {
    private final List<TcpProxy> proxies;
    private final String uri;

    Route(List<TcpProxy> proxies, String uri) {
        this.proxies = proxies;
        this.uri = uri;
    }

    /**
     * The URI through the proxies, under the test's namespace; {@link TestCluster#connect(Route)} uses it.
     *
     * @return the URI
     */
    public String uri() {
        return uri;
    }

    /** Cuts the participant off both ways. */
    public void partition() {
        proxies.forEach(p -> p.block(TcpProxy.Direction.TO_SERVER, TcpProxy.Direction.TO_CLIENT));
    }

    /** Lets the participant hear the cluster but drops what it sends: its renewals never arrive. */
    public void partitionOutbound() {
        proxies.forEach(p -> p.block(TcpProxy.Direction.TO_SERVER));
    }

    /** Lets the participant's requests through but drops the answers: the server renews, the client never knows. */
    public void partitionInbound() {
        proxies.forEach(p -> p.block(TcpProxy.Direction.TO_CLIENT));
    }

    /**
     * Delays everything both ways, until {@link #heal()}.
     *
     * @param by the delay per chunk
     */
    public void delay(Duration by) {
        proxies.forEach(p -> p.delay(by));
    }

    /** Closes every connection at once, as a reset would; the participant reconnects. */
    public void reset() {
        proxies.forEach(TcpProxy::reset);
    }

    /** Ends a partition or a delay. */
    public void heal() {
        proxies.forEach(TcpProxy::heal);
    }

    /** Stops the proxies. */
    @Override
    public void close() {
        proxies.forEach(TcpProxy::close);
    }
}
