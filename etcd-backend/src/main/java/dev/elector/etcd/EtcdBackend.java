package dev.elector.etcd;

import static dev.elector.etcd.Keys.bytes;

import dev.elector.Durations;
import dev.elector.CoordinatorUnavailableException;
import dev.elector.ElectionException;
import dev.elector.spi.Backend;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.SessionListener;
import dev.elector.spi.Watch;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Candidates are keys {@code /<namespace>/<election>/<lease id in hex>} bound to the coordinator's one lease,
 * ordered by create revision, holding the participant id: the layout of etcd's own election recipe, so
 * {@code etcdctl elect} and Go's {@code concurrency.Election} on the same prefix queue with Elector. A second
 * participant of the same coordinator in the same election gets {@code <lease hex>_<n>}, which the recipe
 * orders the same way.
 */
final class EtcdBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(EtcdBackend.class);

    private final Client client;
    private final ExecutorService callbacks;
    private final KV kv;
    private final Lease leases;
    private final WatchStream watches;
    private final EtcdAccess access;
    private final Keys keys;
    private final long ttlSeconds;
    private final Duration timeout;
    private final SessionListener listener;
    private final AtomicLong lease;
    private final AtomicBoolean granting = new AtomicBoolean();
    private final AtomicLong suffixes = new AtomicLong();
    private final Map<String, Set<String>> ourKeys = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private EtcdBackend(Client client, ExecutorService callbacks, WatchStream watches, EtcdAccess access, Keys keys, long ttlSeconds, Duration timeout,
            long lease, SessionListener listener) {
        this.client = client;
        this.callbacks = callbacks;
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.watches = watches;
        this.access = access;
        this.keys = keys;
        this.ttlSeconds = ttlSeconds;
        this.timeout = timeout;
        this.lease = new AtomicLong(lease);
        this.listener = listener;
    }

    /**
     * @param users the application's builder, or null: a copy of it is built, with Elector's require-leader
     *     header and callback threads added, and its TLS context and credentials serve Elector's watch
     *     channel too
     */
    static EtcdBackend connect(ConnectionSpec spec, SessionListener listener, ClientBuilder users) {
        Duration requested = spec.options().sessionTimeout();
        if (requested.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("sessionTimeout " + Durations.format(requested) + " is not a whole number of seconds, which etcd lease TTLs are");
        }
        long ttl = requested.toSeconds();
        Duration connectTimeout = spec.options().connectTimeout();
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        Keys keys = new Keys(spec.namespace());
        EtcdAccess access = users != null ? EtcdAccess.of(users, keys.namespacePrefix())
                : EtcdAccess.of(spec.options().tls(), spec.options().credentials(), keys.namespacePrefix());
        // jetcd decides TLS by its context alone; the scheme is for people reading the endpoints in messages.
        String[] endpoints = spec.endpoints().stream().map(e -> (access.tls() ? "https://" : "http://") + e).toArray(String[]::new);
        String where = "etcd at " + String.join(",", endpoints) + " (" + spec.uri() + ")";
        ClientBuilder builder;
        if (users != null) {
            builder = users.copy();
        } else {
            builder = Client.builder()
                    .endpoints(endpoints)
                    .connectTimeout(connectTimeout)
                    // jetcd retries unavailable members on its own: keep that within the connect timeout, so an
                    // unreachable cluster is reported in time (its retry delay must stay below the duration).
                    .retryDelay(50)
                    .retryMaxDelay(500)
                    .retryMaxDuration(connectTimeout.compareTo(Duration.ofMillis(200)) > 0 ? connectTimeout : Duration.ofMillis(200));
            access.configure(builder);
        }
        // etcd's require-leader marker: a member cut off from its quorum fails these calls at once instead
        // of serving stale answers or holding streams open.
        builder.header("hasleader", "true");
        // jetcd completes every call on this executor; its default is a cached pool, which grew to 60 threads
        // under 10,000 elections joining at once. Two threads suffice: nothing core runs there blocks.
        ThreadPoolExecutor callbacks = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads("elector-etcd-callback"));
        callbacks.allowCoreThreadTimeOut(true);
        builder.executorService(callbacks);
        Client client = builder.build();
        WatchStream watches = null;
        boolean ok = false;
        try {
            // Built after jetcd's client, which registers the name resolver its target needs.
            watches = new WatchStream(builder.target(), connectTimeout, access);
            checkAccess(watches, access, keys, where, connectTimeout, deadline);
            long granted;
            long id;
            try {
                var response = client.getLeaseClient().grant(ttl).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                granted = response.getTTL();
                id = response.getID();
            } catch (TimeoutException | ExecutionException e) {
                throw access.connectFailure("grant a lease", where, connectTimeout, e instanceof ExecutionException ? e.getCause() : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CoordinatorUnavailableException("Interrupted while connecting to " + spec.uri(), e);
            }
            ok = true;
            // Core compares what was granted with what was asked for, and refuses a difference.
            return new EtcdBackend(client, callbacks, watches, access, keys, granted, connectTimeout, id, listener);
        } finally {
            if (!ok) {
                if (watches != null) {
                    watches.close();
                }
                client.close();
                callbacks.shutdownNow();
            }
        }
    }

    /**
     * Authenticates and reads the namespace, on Elector's own channel and without wait-for-ready, retried
     * until the deadline: a lease is granted to anyone, even a client without credentials on a cluster
     * with auth enabled, so only a read tells at connect that the credentials and the rights are right. A
     * fail-fast call also names why a TLS connection fails instead of ending in a bare timeout.
     */
    private static void checkAccess(WatchStream watches, EtcdAccess access, Keys keys, String where, Duration limit, long deadline) {
        ByteString prefix = ByteString.copyFromUtf8(keys.namespacePrefix());
        RangeRequest read = RangeRequest.newBuilder().setKey(prefix).setRangeEnd(WatchStream.prefixEnd(prefix)).setCountOnly(true).build();
        String what = "read " + keys.namespacePrefix();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                watches.kv().withDeadlineAfter(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).range(read);
                return;
            } catch (StatusRuntimeException e) {
                last = e;
                ElectionException refusal = access.refusal(what, e);
                if (refusal != null) {
                    throw refusal;
                }
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                    break;
                }
                // Unavailable: the member may still be starting. Try again shortly, within the deadline.
                LockSupport.parkNanos(Math.min(TimeUnit.MILLISECONDS.toNanos(100), Math.max(0, deadline - System.nanoTime())));
            }
        }
        throw access.connectFailure(what, where, limit, last);
    }

    @Override
    public Duration sessionTimeout() {
        return Duration.ofSeconds(ttlSeconds);
    }

    @Override
    public long epoch() {
        return lease.get();
    }

    /**
     * Shallower than the default: etcd's leader applies every committed entry before it answers a lease
     * keep-alive, so a deep queue of writes delays the renewal itself. With 1,000 in flight, 10,000 elections
     * joining at once on 2 cores let a 3 s lease expire; with 256 they did not.
     */
    @Override
    public int maxCallsInFlight() {
        return 256;
    }

    /**
     * One keep-alive round trip. A shared keep-alive stream would not say which request a response answers,
     * and core needs the send time of the acknowledged one; so each renewal is its own short exchange, one
     * at a time per coordinator.
     */
    @Override
    public CompletionStage<Void> renew() {
        long id = lease.get();
        if (id == 0) {
            grantAgain();
            return CompletableFuture.failedFuture(new ElectionException("no etcd lease; granting a new one"));
        }
        return bounded("renew lease " + Long.toHexString(id), leases.keepAliveOnce(id)).handle((response, error) -> {
            if (error == null) {
                return null;
            }
            if (notFound(error)) {
                leaseLost(id); // jetcd's answer to a keep-alive with TTL 0: the lease expired or was revoked
            }
            throw asElectionException(error);
        });
    }

    private void leaseLost(long id) {
        if (lease.compareAndSet(id, 0)) {
            log.warn("etcd lease {} expired; granting a new one", Long.toHexString(id));
            ourKeys.clear();
            // The link was in doubt: start watching on a fresh stream rather than one that may be stalled.
            watches.reset();
            listener.sessionChanged(0);
            grantAgain();
        }
    }

    private void grantAgain() {
        if (closed || !granting.compareAndSet(false, true)) {
            return;
        }
        bounded("grant a lease", leases.grant(ttlSeconds)).whenComplete((response, error) -> {
            granting.set(false);
            if (error != null) {
                log.info("Granting a new etcd lease failed: {}; trying again at the next renewal", error.toString());
            } else if (closed) {
                leases.revoke(response.getID());
            } else if (lease.compareAndSet(0, response.getID())) {
                listener.sessionChanged(response.getID());
            }
        });
    }

    @Override
    public CompletionStage<Entry> register(String election, String participantId, String metadata) {
        long id = lease.get();
        if (id == 0) {
            return CompletableFuture.failedFuture(new ElectionException("no etcd lease yet"));
        }
        return register(election, participantId, metadata, id, 0);
    }

    /** One create; a key of that name that exists already (a retried create's first attempt) takes the next suffix. */
    private CompletableFuture<Entry> register(String election, String participantId, String metadata, long id, int attempt) {
        Set<String> used = ourKeys.computeIfAbsent(election, e -> new HashSet<>());
        String name;
        synchronized (used) {
            String base = Long.toHexString(id);
            name = used.contains(base) || attempt > 0 ? base + "_" + suffixes.incrementAndGet() : base;
            used.add(name);
        }
        ByteSequence key = bytes(keys.prefix(election) + name);
        return bounded("create a candidate under " + keys.prefix(election), kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, bytes(Entry.value(participantId, metadata)), PutOption.builder().withLeaseId(id).build()))
                .commit())
                .whenComplete((response, error) -> {
                    if (error != null && notFound(error)) {
                        leaseLost(id); // the lease expired before a renewal could tell: every election waits for the next
                    }
                })
                .thenCompose(response -> {
                    if (response.isSucceeded()) {
                        long revision = response.getHeader().getRevision();
                        return CompletableFuture.completedFuture(new Entry(election, name, revision, revision, id, participantId, metadata));
                    }
                    if (attempt >= 2) {
                        throw new ElectionException("could not create a unique candidate key under " + keys.prefix(election));
                    }
                    return register(election, participantId, metadata, id, attempt + 1);
                });
    }

    /**
     * One range, newest first from our own create revision down, limit 2: our key (if it is still there,
     * with our lease and revision) and the one before it. Never a full listing.
     */
    @Override
    public CompletionStage<Position> position(Entry self) {
        return bounded("find the predecessor of " + self.key(), kv.get(bytes(keys.prefix(self.election())), GetOption.builder()
                .isPrefix(true)
                .withMaxCreateRevision(self.order())
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(2)
                .build()))
                .thenApply(response -> {
                    List<KeyValue> kvs = response.getKvs();
                    boolean present = !kvs.isEmpty() && kvs.get(0).getCreateRevision() == self.order() && kvs.get(0).getLease() == self.owner();
                    if (!present) {
                        return Position.GONE;
                    }
                    return kvs.size() < 2 ? Position.FIRST : new Position.Behind(keys.ref(self.election(), kvs.get(1)));
                });
    }

    /**
     * Watches the entry's key from the server's next revision, then reads it. Watch first, then read: a
     * watch that starts at a past revision is served by etcd's catch-up loop, up to 100 ms late, and a leader
     * whose entry is deleted from outside must hear of it no later than its successor does.
     */
    @Override
    public CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange) {
        ByteString key = keys.key(entry);
        WatchStream.Handle watch;
        try {
            // Its creation, at revision order, is no change: a member behind the one that created it may replay it.
            watch = watches.watch(key, key.concat(ByteString.copyFrom(new byte[] {0})), 0, entry.order(), events -> onChange.run());
        } catch (ElectionException e) {
            return CompletableFuture.failedFuture(e);
        }
        return bounded("watch " + key.toStringUtf8(), watch.created())
                .whenComplete((created, error) -> {
                    if (error != null && cause(error) instanceof TimeoutException) {
                        // No answer to a create in time: the stream is stalled; the next watch opens a new one.
                        log.info("etcd did not answer a watch create within {}; opening a new watch stream", Durations.format(timeout));
                        watches.reset();
                    }
                })
                .thenCompose(created -> bounded("read " + key.toStringUtf8(), kv.get(ByteSequence.from(key))))
                .handle((response, error) -> {
                    // A key of that name created again is another entry.
                    boolean there = error == null && response.getKvs().stream().anyMatch(kv -> kv.getCreateRevision() == entry.order());
                    if (!there) {
                        watch.cancel().run();
                    }
                    if (error != null) {
                        throw asElectionException(error);
                    }
                    // Cancelling closes the watcher on the stream, so the server sends nothing more for it.
                    return there ? Optional.of(watch.cancel()::run) : Optional.empty();
                });
    }

    @Override
    public CompletionStage<List<Entry>> entries(String election, Runnable onChange) {
        ByteSequence prefix = bytes(keys.prefix(election));
        return bounded("list " + keys.prefix(election), kv.get(prefix, GetOption.builder()
                .isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND)
                .build()))
                .thenApply(response -> {
                    if (onChange != null) {
                        // From just after the revision read, so no change in between is missed; for observers,
                        // which may hear of a change up to etcd's catch-up interval late. Fires once: on the first
                        // event, or on an error such as a member losing its leader.
                        ByteString start = ByteString.copyFrom(prefix.getBytes());
                        watches.watch(start, WatchStream.prefixEnd(start), response.getHeader().getRevision() + 1, 0, events -> onChange.run());
                    }
                    return response.getKvs().stream().map(kv -> keys.entry(election, kv)).toList();
                });
    }

    /** Guarded by create revision: never deletes a key of the same name that is not this entry. */
    @Override
    public CompletionStage<Void> delete(Entry own) {
        ByteSequence key = ByteSequence.from(keys.key(own.ref()));
        return bounded("delete " + key, kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(own.order())))
                .Then(Op.delete(key, DeleteOption.DEFAULT))
                .commit())
                .thenApply(response -> {
                    Set<String> used = ourKeys.get(own.election());
                    if (used != null) {
                        synchronized (used) {
                            used.remove(own.key());
                        }
                    }
                    return null;
                });
    }

    @Override
    public void close() {
        closed = true;
        watches.close();
        long id = lease.getAndSet(0);
        if (id != 0) {
            try {
                // Revoking deletes every key of this coordinator at once, instead of after the TTL.
                leases.revoke(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.info("Could not revoke etcd lease {}; its keys go when it expires: {}", Long.toHexString(id), e.toString());
            }
        }
        client.close();
        callbacks.shutdownNow(); // ours, not jetcd's, to stop
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * The call, failing with an {@link ElectionException} that says what was tried if it fails or takes
     * longer than the connect timeout: jetcd sets no deadline of its own.
     */
    private <T> CompletableFuture<T> bounded(String what, CompletableFuture<T> call) {
        return call.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((value, error) -> {
            if (error == null) {
                return value;
            }
            Throwable cause = cause(error);
            if (cause instanceof TimeoutException) {
                throw new ElectionException("etcd did not " + what + " within " + timeout, cause);
            }
            ElectionException refusal = access.refusal(what, cause);
            if (refusal != null) {
                throw refusal;
            }
            throw new ElectionException("etcd could not " + what + ": " + cause.getMessage(), cause);
        });
    }

    /**
     * Whether etcd answered NOT_FOUND, which for a call with our lease means the lease is gone: jetcd gives
     * its own exception type for a keep-alive and gRPC's status for the other calls.
     */
    private static boolean notFound(Throwable error) {
        Throwable t = cause(error);
        return t instanceof EtcdException e ? e.getErrorCode() == ErrorCode.NOT_FOUND
                : t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND;
    }

    private static Throwable cause(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException || t instanceof ElectionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static ElectionException asElectionException(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof ElectionException e ? e : new ElectionException("etcd call failed: " + t.getMessage(), t);
    }
}
