package dev.elector.zookeeper;

import dev.elector.Durations;
import dev.elector.CoordinatorUnavailableException;
import dev.elector.ElectionException;
import dev.elector.spi.Backend;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Endpoint;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.SessionListener;
import dev.elector.spi.Watch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Candidates are protected {@code EPHEMERAL_SEQUENTIAL} znodes {@code /<namespace>/<election>/_c_<guid>-latch-<seq>}
 * holding the participant id: exactly what Curator's {@code LeaderLatch} writes, so a latch and an Elector
 * participant on the same path queue together and agree on one leader. The protection prefix lets a create
 * retried after a connection loss find its first attempt instead of leaving a duplicate. Every call runs in
 * Curator's background mode: requests of all elections are pipelined on the one connection, and answers
 * come on ZooKeeper's event thread.
 */
final class ZooKeeperBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperBackend.class);
    /** Curator LeaderLatch's node name. */
    private static final String LOCK_NAME = "latch-";

    private final CuratorFramework client;
    /** Whether Elector made the client, and so closes it; an application's own client stays open. */
    private final boolean owned;
    private final ZooKeeperAccess access;
    private final org.apache.curator.framework.state.ConnectionStateListener stateListener = (c, state) -> stateChanged(state);
    private static final long MIN_REQUESTED_TIMEOUT_MS = 100;

    private final Duration sessionTimeout;
    private final SessionListener listener;
    private volatile long sessionId;

    private ZooKeeperBackend(CuratorFramework client, boolean owned, ZooKeeperAccess access, Duration sessionTimeout, long sessionId,
            SessionListener listener) {
        this.client = client;
        this.owned = owned;
        this.access = access;
        this.sessionTimeout = sessionTimeout;
        this.sessionId = sessionId;
        this.listener = listener;
    }

    static ZooKeeperBackend connect(ConnectionSpec spec, SessionListener listener) {
        String connectString = spec.endpoints().stream().map(Endpoint::toString).collect(Collectors.joining(","));
        Duration connectTimeout = spec.options().connectTimeout();
        ZooKeeperAccess access = ZooKeeperAccess.of(spec);
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .namespace(spec.namespace())
                // ZooKeeper's client gives its handshake a share of the session timeout, and under about 100 ms
                // it never connects at all. Asked for less, the server grants its minimum, and core's
                // check then names what it granted instead of a bare failure to connect.
                .sessionTimeoutMs(Math.toIntExact(Math.max(MIN_REQUESTED_TIMEOUT_MS, spec.options().sessionTimeout().toMillis())))
                .connectionTimeoutMs(Math.toIntExact(connectTimeout.toMillis()))
                // Core retries every failed step itself; one quick retry here rides over a single lost packet.
                .retryPolicy(new RetryNTimes(1, 100));
        access.configure(builder);
        CuratorFramework client = builder.build();
        client.start();
        return open(spec, client, client, true, access, listener);
    }

    /**
     * On the application's own, started client: its connection, retry policy, authentication and ACL
     * provider are used as they are, under {@code spec}'s namespace. Closing leaves the client open.
     */
    static ZooKeeperBackend connectTo(ConnectionSpec spec, CuratorFramework users, SessionListener listener) {
        return open(spec, users, users.usingNamespace(spec.namespace()), false, ZooKeeperAccess.external(), listener);
    }

    /** Waits for the connection, checks access to the namespace, and starts following the session; closes what it owns on failure. */
    private static ZooKeeperBackend open(ConnectionSpec spec, CuratorFramework started, CuratorFramework client, boolean owned, ZooKeeperAccess access,
            SessionListener listener) {
        String connectString = spec.endpoints().stream().map(Endpoint::toString).collect(Collectors.joining(","));
        Duration connectTimeout = spec.options().connectTimeout();
        boolean connected = false;
        try {
            connected = started.blockUntilConnected(Math.toIntExact(connectTimeout.toMillis()), TimeUnit.MILLISECONDS);
            if (!connected) {
                String reason = access.tls() ? access.handshakeFailure(spec.endpoints(), 2000) : null;
                throw new CoordinatorUnavailableException("Could not connect to ZooKeeper at " + connectString + " (" + spec.uri()
                        + ") within the connect timeout of " + Durations.format(connectTimeout) + (reason != null ? ": " + reason
                        : access.tls() || !owned ? "" : "; if the servers take TLS on this port, set CoordinatorOptions.tls or ?tls=true"), null);
            }
            access.checkNamespace(client, spec.namespace());
            var zk = client.getZookeeperClient().getZooKeeper();
            ZooKeeperBackend backend = new ZooKeeperBackend(client, owned, access, Duration.ofMillis(zk.getSessionTimeout()), zk.getSessionId(), listener);
            client.getConnectionStateListenable().addListener(backend.stateListener);
            return backend;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("Interrupted while connecting to " + connectString, e);
        } catch (RuntimeException e) {
            connected = false;
            throw e;
        } catch (Exception e) {
            connected = false;
            throw new CoordinatorUnavailableException("Could not connect to ZooKeeper at " + connectString + ": " + e, e);
        } finally {
            if (!connected) {
                if (owned) {
                    client.close();
                }
                access.close();
            }
        }
    }

    private void stateChanged(ConnectionState state) {
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
            checkSession();
        } else if (state == ConnectionState.LOST) {
            report(0);
        } else {
            // SUSPENDED: the session may still live. Core's deadline, not this event, decides when a leader
            // stops, because it is computed from what the server acknowledged.
            log.info("ZooKeeper connection {}", state);
        }
    }

    /**
     * Reports a new session once the handle is connected with one. Called on every state change and every
     * renewal, so a new session is noticed even if a connection-state event never arrives.
     */
    private void checkSession() {
        try {
            var zk = client.getZookeeperClient().getZooKeeper();
            if (zk.getState().isConnected()) {
                report(zk.getSessionId());
            }
        } catch (Exception e) {
            log.debug("Could not read the session id", e);
        }
    }

    private synchronized void report(long current) {
        if (current != sessionId) {
            sessionId = current;
            listener.sessionChanged(current);
        }
    }

    @Override
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    @Override
    public long epoch() {
        return sessionId;
    }

    /**
     * A {@code sync} goes through the ensemble's leader, so its answer shows that the quorum, not just a
     * possibly partitioned follower, heard from this session after the send.
     */
    @Override
    public CompletionStage<Void> renew() {
        checkSession();
        return background("sync", cb -> client.sync().inBackground(cb).forPath("/"), event -> null);
    }

    /**
     * One protected create. The election's node is made only when the create finds it missing, in the
     * background too: Curator's {@code creatingParentContainersIfNeeded} makes missing parents one at a time
     * on its single background thread, which put 10,000 elections joining at once in a queue of round trips.
     */
    @Override
    public CompletionStage<Entry> register(String election, String participantId, String metadata) {
        String prefix = ZKPaths.makePath(election, LOCK_NAME);
        byte[] data = Entry.value(participantId, metadata).getBytes(StandardCharsets.UTF_8);
        return create(election, prefix, data, participantId, metadata).handle((entry, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(entry);
            }
            if (!isNoNode(error)) {
                return CompletableFuture.<Entry>failedFuture(error);
            }
            String parent = ZKPaths.makePath(election, null);
            return background("create " + parent, cb -> client.create().creatingParentContainersIfNeeded().withMode(CreateMode.CONTAINER)
                    .inBackground(cb).forPath(parent), event -> null, Code.NODEEXISTS)
                    .thenCompose(made -> create(election, prefix, data, participantId, metadata));
        }).thenCompose(entry -> entry);
    }

    private static boolean isNoNode(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof KeeperException.NoNodeException) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Entry> create(String election, String prefix, byte[] data, String participantId, String metadata) {
        return background("create a candidate under " + election, cb -> client.create().withProtection()
                .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).inBackground(cb).forPath(prefix, data), event -> event)
                .thenCompose(event -> {
                    String node = ZKPaths.getNodeFromPath(event.getName());
                    Stat stat = event.getStat();
                    if (stat != null && stat.getCzxid() != 0) {
                        return CompletableFuture.completedFuture(new Entry(election, node, sequence(node), stat.getCzxid(), stat.getEphemeralOwner(),
                                participantId, metadata));
                    }
                    // A protected create that found its earlier attempt returns no stat: read it.
                    return read(election, node, null).thenApply(found -> found.orElseThrow(
                            () -> new ElectionException("ZooKeeper lost the candidate " + node + " right after creating it", null)));
                });
    }

    /**
     * One {@code getChildren}, as LeaderLatch reads: our node's name carries the GUID of our own create, so
     * finding it in the list means it is the node we created, with the owner recorded then.
     */
    @Override
    public CompletionStage<Position> position(Entry self) {
        String parent = ZKPaths.makePath(self.election(), null);
        return background("list " + parent, cb -> client.getChildren().inBackground(cb).forPath(parent),
                event -> positionIn(event.getResultCode() == Code.OK.intValue() ? event.getChildren() : List.of(), self), Code.NONODE);
    }

    private static Position positionIn(List<String> children, Entry self) {
        if (!children.contains(self.key())) {
            return Position.GONE;
        }
        String best = null;
        long bestOrder = Long.MIN_VALUE;
        for (String child : children) {
            long order = sequence(child);
            if (order >= 0 && order < self.order() && order > bestOrder) {
                best = child;
                bestOrder = order;
            }
        }
        return best == null ? Position.FIRST : new Position.Behind(new EntryRef(self.election(), best, bestOrder));
    }

    /**
     * A data watch, left by the read that checks the node exists. Cancelling silences the watcher in the
     * client only. Nothing is sent: for one watcher of several on a path, ZooKeeper's removeWatches only
     * checks with the server, which keeps its one watch per path and connection and sends the event all the
     * same, so a request would only delay the deletion behind it.
     */
    @Override
    public CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange) {
        PathWatcher watcher = new PathWatcher(onChange);
        return read(entry.election(), entry.key(), watcher).thenApply(found -> found.map(current -> () -> watcher.cancelled = true));
    }

    @Override
    public CompletionStage<List<Entry>> entries(String election, Runnable onChange) {
        String parent = ZKPaths.makePath(election, null);
        Watcher watcher = onChange == null ? null : new PathWatcher(onChange);
        return background("list " + parent, cb -> (watcher == null ? client.getChildren() : client.getChildren().usingWatcher(watcher))
                .inBackground(cb).forPath(parent), event -> event, Code.NONODE)
                .thenCompose(event -> {
                    if (event.getResultCode() == Code.NONODE.intValue()) {
                        // No candidate ever joined: watch for the election's node to appear instead.
                        return watcher == null ? CompletableFuture.completedFuture(List.<Entry>of())
                                : background("watch " + parent, cb -> client.checkExists().usingWatcher(watcher).inBackground(cb).forPath(parent), e -> {
                                    if (e.getResultCode() == Code.OK.intValue()) {
                                        onChange.run(); // created meanwhile: read again
                                    }
                                    return List.<Entry>of();
                                }, Code.NONODE);
                    }
                    List<CompletableFuture<Optional<Entry>>> reads = new ArrayList<>();
                    for (String child : event.getChildren()) {
                        if (sequence(child) >= 0) {
                            reads.add(read(election, child, null));
                        }
                    }
                    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> reads.stream()
                            .map(CompletableFuture::join).flatMap(Optional::stream).sorted(Comparator.comparingLong(Entry::order)).toList());
                });
    }

    @Override
    public CompletionStage<Void> delete(Entry own) {
        String path = ZKPaths.makePath(own.election(), own.key());
        // Already gone is done: the goal is reached.
        return background("delete " + path, cb -> client.delete().inBackground(cb).forPath(path), event -> null, Code.NONODE);
    }

    @Override
    public void close() {
        client.getConnectionStateListenable().removeListener(stateListener);
        if (owned) {
            // Closing the session deletes its ephemeral entries at once on the server.
            client.close();
        }
        access.close();
    }

    /** Reads a node, leaving {@code watcher} on it if it exists; empty if it does not. */
    private CompletableFuture<Optional<Entry>> read(String election, String node, Watcher watcher) {
        String path = ZKPaths.makePath(election, node);
        return background("read " + path, cb -> (watcher == null ? client.getData() : client.getData().usingWatcher(watcher))
                .inBackground(cb).forPath(path), event -> {
                    if (event.getResultCode() == Code.NONODE.intValue()) {
                        return Optional.<Entry>empty();
                    }
                    Stat stat = event.getStat();
                    String text = event.getData() == null ? "" : new String(event.getData(), StandardCharsets.UTF_8);
                    return Optional.of(Entry.of(election, node, sequence(node), stat.getCzxid(), stat.getEphemeralOwner(), text));
                }, Code.NONODE);
    }

    private interface BackgroundCall {
        void start(BackgroundCallback callback) throws Exception;
    }

    /**
     * Runs one call in Curator's background mode. Its answer completes the stage with {@code result} when
     * the code is OK or one of {@code alsoFine}, and fails it with the {@link KeeperException} of the code
     * otherwise (connection loss, session expiry), wrapped with what was tried.
     */
    private static <T> CompletableFuture<T> background(String what, BackgroundCall call, Function<CuratorEvent, T> result, Code... alsoFine) {
        CompletableFuture<T> done = new CompletableFuture<>();
        try {
            call.start((c, event) -> {
                Code code = Code.get(event.getResultCode());
                if (code == Code.OK || List.of(alsoFine).contains(code)) {
                    try {
                        done.complete(result.apply(event));
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                } else {
                    done.completeExceptionally(new ElectionException("ZooKeeper could not " + what + ": " + code, KeeperException.create(code)));
                }
            });
        } catch (Exception e) {
            done.completeExceptionally(new ElectionException("ZooKeeper could not " + what + ": " + e, e));
        }
        return done;
    }

    /**
     * Runs {@code onChange} on the path's own events only, once, unless cancelled: connection events reach
     * every watcher, and the session's fate is core's business, through the deadline.
     */
    private static final class PathWatcher implements Watcher {
        private final Runnable onChange;
        private volatile boolean cancelled;

        PathWatcher(Runnable onChange) {
            this.onChange = onChange;
        }

        @Override
        public void process(WatchedEvent event) {
            switch (event.getType()) {
                case NodeCreated, NodeDeleted, NodeDataChanged, NodeChildrenChanged -> {
                    if (!cancelled) {
                        onChange.run();
                    }
                }
                default -> {
                    // None: connection state, which a one-shot watch outlives
                }
            }
        }
    }

    /** The sequence suffix after {@code latch-}, or -1 for a node that is not a candidate. */
    static long sequence(String node) {
        int at = node.lastIndexOf(LOCK_NAME);
        if (at < 0) {
            return -1;
        }
        try {
            return Long.parseLong(node.substring(at + LOCK_NAME.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
