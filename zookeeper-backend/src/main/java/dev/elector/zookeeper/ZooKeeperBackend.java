package dev.elector.zookeeper;

import dev.elector.CoordinatorUnavailableException;
import dev.elector.ElectionException;
import dev.elector.spi.Backend;
import dev.elector.spi.Change;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Endpoint;
import dev.elector.spi.Entry;
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
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Candidates are protected {@code EPHEMERAL_SEQUENTIAL} znodes {@code /<namespace>/<election>/_c_<guid>-latch-<seq>}
 * holding the participant id: exactly what Curator's {@code LeaderLatch} writes, so a latch and an Elector
 * participant on the same path queue together and agree on one leader. The protection prefix lets a create
 * retried after a connection loss find its first attempt instead of leaving a duplicate.
 */
final class ZooKeeperBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(ZooKeeperBackend.class);
    /** Curator LeaderLatch's node name. */
    private static final String LOCK_NAME = "latch-";

    private final CuratorFramework client;
    private final Duration sessionTimeout;
    private volatile SessionListener listener;
    private volatile long sessionId;

    private ZooKeeperBackend(CuratorFramework client, Duration sessionTimeout, long sessionId) {
        this.client = client;
        this.sessionTimeout = sessionTimeout;
        this.sessionId = sessionId;
    }

    static ZooKeeperBackend connect(ConnectionSpec spec) {
        String connectString = spec.endpoints().stream().map(Endpoint::toString).collect(Collectors.joining(","));
        Duration requested = spec.options().sessionTimeout();
        Duration connectTimeout = spec.options().connectTimeout();
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .namespace(spec.namespace())
                .sessionTimeoutMs(Math.toIntExact(requested.toMillis()))
                .connectionTimeoutMs(Math.toIntExact(connectTimeout.toMillis()))
                // Core retries every failed step itself; one quick retry here rides over a single lost packet
                // without keeping an election's worker blocked for long.
                .retryPolicy(new RetryNTimes(1, 100))
                .build();
        boolean connected = false;
        try {
            client.start();
            connected = client.blockUntilConnected(Math.toIntExact(connectTimeout.toMillis()), TimeUnit.MILLISECONDS);
            if (!connected) {
                throw new CoordinatorUnavailableException("Could not connect to ZooKeeper at " + connectString + " (" + spec.uri()
                        + ") within the connect timeout of " + connectTimeout, null);
            }
            var zk = client.getZookeeperClient().getZooKeeper();
            Duration granted = Duration.ofMillis(zk.getSessionTimeout());
            if (!granted.equals(requested)) {
                connected = false;
                throw new IllegalArgumentException("sessionTimeout " + requested + " is outside the bounds of the ZooKeeper ensemble at "
                        + connectString + ": it granted " + granted + ". Servers allow minSessionTimeout to maxSessionTimeout,"
                        + " 2 to 20 ticks unless configured");
            }
            ZooKeeperBackend backend = new ZooKeeperBackend(client, granted, zk.getSessionId());
            client.getConnectionStateListenable().addListener((c, state) -> backend.stateChanged(state));
            return backend;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("Interrupted while connecting to " + connectString, e);
        } catch (RuntimeException e) {
            connected = false;
            throw e;
        } catch (Exception e) {
            connected = false;
            throw new CoordinatorUnavailableException("Could not connect to ZooKeeper at " + connectString, e);
        } finally {
            if (!connected) {
                client.close();
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
            SessionListener l = listener;
            if (l != null) {
                l.sessionChanged(current);
            }
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

    @Override
    public void setSessionListener(SessionListener listener) {
        this.listener = listener;
    }

    /**
     * A {@code sync} goes through the ensemble's leader, so its answer shows that the quorum, not just a
     * possibly partitioned follower, heard from this session after the send.
     */
    @Override
    public CompletionStage<Void> renew() {
        checkSession();
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            client.sync().inBackground((c, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(KeeperException.create(KeeperException.Code.get(event.getResultCode())));
                }
            }).forPath("/");
        } catch (Exception e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public Entry register(String election, String participantId, String metadata) {
        String prefix = ZKPaths.makePath(election, LOCK_NAME);
        return call("create a candidate under " + election, () -> {
            Stat stat = new Stat();
            String path = client.create().storingStatIn(stat).creatingParentContainersIfNeeded().withProtection()
                    .withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(prefix, Entry.value(participantId, metadata).getBytes(StandardCharsets.UTF_8));
            if (stat.getCzxid() == 0) {
                // A protected create that found its earlier attempt returns no stat: read it.
                client.getData().storingStatIn(stat).forPath(path);
            }
            String node = ZKPaths.getNodeFromPath(path);
            return new Entry(election, node, sequence(node), stat.getCzxid(), stat.getEphemeralOwner(), participantId, metadata);
        });
    }

    /**
     * One {@code getChildren}, in the background, as LeaderLatch reads: our node's name carries the GUID of
     * our own create, so finding it in the list means it is the node we created, with the owner recorded
     * then. The answer arrives on the client's event thread.
     */
    @Override
    public CompletionStage<Position> position(Entry self) {
        String parent = ZKPaths.makePath(self.election(), null);
        CompletableFuture<Position> result = new CompletableFuture<>();
        try {
            client.getChildren().inBackground((c, event) -> {
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK || code == KeeperException.Code.NONODE) {
                    result.complete(positionIn(code == KeeperException.Code.OK ? event.getChildren() : List.of(), self));
                } else {
                    result.completeExceptionally(new ElectionException("ZooKeeper could not list " + parent + ": " + code, KeeperException.create(code)));
                }
            }).forPath(parent);
        } catch (Exception e) {
            result.completeExceptionally(new ElectionException("ZooKeeper could not list " + parent + ": " + e.getMessage(), e));
        }
        return result;
    }

    private static Position positionIn(List<String> children, Entry self) {
        String best = null;
        long bestOrder = Long.MIN_VALUE;
        for (String child : children) {
            long order = sequence(child);
            if (order >= 0 && order < self.order() && order > bestOrder) {
                best = child;
                bestOrder = order;
            }
        }
        Optional<Entry> predecessor = best == null ? Optional.empty() : Optional.of(new Entry(self.election(), best, bestOrder, 0, 0, "", ""));
        return new Position(children.contains(self.key()), predecessor);
    }

    /**
     * A data watch; ZooKeeper's notification carries no more than the path, so every change is CHANGED.
     * Cancelling silences the watcher in the client only. Nothing is sent: for one watcher of several on a
     * path, ZooKeeper's removeWatches only checks with the server, which keeps its one watch per path and
     * connection and sends the event all the same, so a request would only delay the deletion behind it.
     */
    @Override
    public Optional<Watch> watch(Entry entry, Consumer<Change> onChange) {
        PathWatcher watcher = new PathWatcher(onChange);
        return read(entry.election(), entry.key(), watcher).map(current -> Watch.of(current, () -> watcher.cancelled = true));
    }

    @Override
    public List<Entry> entries(String election, Runnable onChange) {
        String parent = ZKPaths.makePath(election, null);
        Watcher watcher = onChange == null ? null : new PathWatcher(change -> onChange.run());
        List<String> children = call("list " + election, () -> {
            try {
                return watcher == null ? client.getChildren().forPath(parent) : client.getChildren().usingWatcher(watcher).forPath(parent);
            } catch (KeeperException.NoNodeException e) {
                // No candidate ever joined: watch for the election's node to appear instead.
                if (watcher != null && client.checkExists().usingWatcher(watcher).forPath(parent) != null) {
                    return client.getChildren().usingWatcher(watcher).forPath(parent);
                }
                return List.<String>of();
            }
        });
        List<Entry> entries = new ArrayList<>();
        for (String child : children) {
            if (sequence(child) >= 0) {
                read(election, child, null).ifPresent(entries::add);
            }
        }
        entries.sort(Comparator.comparingLong(Entry::order));
        return entries;
    }

    /** ZooKeeper's notification of a deletion carries nothing more, so {@code handOver} cannot be told. */
    @Override
    public void delete(Entry own, boolean handOver) {
        String path = ZKPaths.makePath(own.election(), own.key());
        call("delete " + path, () -> {
            try {
                client.delete().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // already gone: the goal is reached
            }
            return null;
        });
    }

    @Override
    public void close() {
        // Closing the session deletes its ephemeral entries at once on the server.
        client.close();
    }

    private Optional<Entry> read(String election, String node, Watcher watcher) {
        String path = ZKPaths.makePath(election, node);
        return call("read " + path, () -> {
            Stat stat = new Stat();
            try {
                byte[] data = watcher == null
                        ? client.getData().storingStatIn(stat).forPath(path)
                        : client.getData().storingStatIn(stat).usingWatcher(watcher).forPath(path);
                String text = data == null ? "" : new String(data, StandardCharsets.UTF_8);
                return Optional.of(Entry.of(election, node, sequence(node), stat.getCzxid(), stat.getEphemeralOwner(), text));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Runs {@code onChange} on the path's own events only, once, unless cancelled: connection events reach
     * every watcher, and the session's fate is core's business, through the deadline.
     */
    private static final class PathWatcher implements Watcher {
        private final Consumer<Change> onChange;
        private volatile boolean cancelled;

        PathWatcher(Consumer<Change> onChange) {
            this.onChange = onChange;
        }

        @Override
        public void process(WatchedEvent event) {
            switch (event.getType()) {
                case NodeCreated, NodeDeleted, NodeDataChanged, NodeChildrenChanged -> {
                    if (!cancelled) {
                        onChange.accept(Change.CHANGED);
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

    private interface ZkCall<T> {
        T run() throws Exception;
    }

    private static <T> T call(String what, ZkCall<T> op) {
        try {
            return op.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElectionException("Interrupted while trying to " + what, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ElectionException("ZooKeeper could not " + what + ": " + e.getMessage(), e);
        }
    }
}
