package dev.elector.etcd;

import static dev.elector.etcd.Keys.bytes;

import dev.elector.CoordinatorUnavailableException;
import dev.elector.ElectionException;
import dev.elector.spi.Backend;
import dev.elector.spi.Change;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Entry;
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
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
    private final KV kv;
    private final Lease leases;
    private final WatchStream watches;
    private final Keys keys;
    private final long ttlSeconds;
    private final Duration timeout;
    private final AtomicLong lease;
    private final AtomicBoolean granting = new AtomicBoolean();
    private final AtomicLong suffixes = new AtomicLong();
    private final Map<String, Set<String>> ourKeys = new ConcurrentHashMap<>();
    private volatile SessionListener listener;
    private volatile boolean closed;

    private EtcdBackend(Client client, WatchStream watches, String namespace, long ttlSeconds, Duration timeout, long lease) {
        this.client = client;
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.watches = watches;
        this.keys = new Keys(namespace);
        this.ttlSeconds = ttlSeconds;
        this.timeout = timeout;
        this.lease = new AtomicLong(lease);
    }

    static EtcdBackend connect(ConnectionSpec spec) {
        Duration requested = spec.options().sessionTimeout();
        if (requested.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("sessionTimeout " + requested + " is not a whole number of seconds, which etcd lease TTLs are");
        }
        long ttl = requested.toSeconds();
        Duration connectTimeout = spec.options().connectTimeout();
        String[] endpoints = spec.endpoints().stream().map(e -> "http://" + e).toArray(String[]::new);
        ClientBuilder builder = Client.builder()
                .endpoints(endpoints)
                // etcd's require-leader marker: a member cut off from its quorum fails these calls at once
                // instead of serving stale answers or holding streams open.
                .header("hasleader", "true")
                .connectTimeout(connectTimeout)
                // jetcd retries unavailable members on its own: keep that within the connect timeout, so an
                // unreachable cluster is reported in time (its retry delay must stay below the duration).
                .retryDelay(50)
                .retryMaxDelay(500)
                .retryMaxDuration(connectTimeout.compareTo(Duration.ofMillis(200)) > 0 ? connectTimeout : Duration.ofMillis(200));
        Client client = builder.build();
        boolean ok = false;
        try {
            long granted;
            long id;
            try {
                var response = client.getLeaseClient().grant(ttl).get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
                granted = response.getTTL();
                id = response.getID();
            } catch (TimeoutException | ExecutionException e) {
                throw new CoordinatorUnavailableException("Could not reach etcd at " + String.join(",", endpoints) + " (" + spec.uri()
                        + ") within the connect timeout of " + connectTimeout, e instanceof ExecutionException ? e.getCause() : e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CoordinatorUnavailableException("Interrupted while connecting to " + spec.uri(), e);
            }
            if (granted != ttl) {
                client.getLeaseClient().revoke(id);
                throw new IllegalArgumentException("sessionTimeout " + requested + " is below the etcd cluster's minimum lease TTL: it granted "
                        + granted + "s. The minimum is about 1.5 times the members' --election-timeout");
            }
            WatchStream watches = new WatchStream(builder.target(), connectTimeout);
            ok = true;
            return new EtcdBackend(client, watches, spec.namespace(), ttl, connectTimeout, id);
        } finally {
            if (!ok) {
                client.close();
            }
        }
    }

    @Override
    public Duration sessionTimeout() {
        return Duration.ofSeconds(ttlSeconds);
    }

    @Override
    public long epoch() {
        return lease.get();
    }

    @Override
    public void setSessionListener(SessionListener listener) {
        this.listener = listener;
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
        return leases.keepAliveOnce(id)
                .orTimeout(ttlSeconds, TimeUnit.SECONDS)
                .handle((response, error) -> {
                    if (error == null && response.getTTL() > 0) {
                        return null;
                    }
                    if (error == null || String.valueOf(error.getMessage()).contains("lease not found")) {
                        leaseLost(id);
                    }
                    throw new ElectionException("etcd did not renew lease " + Long.toHexString(id), error);
                });
    }

    private void leaseLost(long id) {
        if (lease.compareAndSet(id, 0)) {
            log.warn("etcd lease {} expired; granting a new one", Long.toHexString(id));
            ourKeys.clear();
            // The link was in doubt: start watching on a fresh stream rather than one that may be stalled.
            watches.reset();
            report(0);
            grantAgain();
        }
    }

    private void grantAgain() {
        if (closed || !granting.compareAndSet(false, true)) {
            return;
        }
        leases.grant(ttlSeconds).whenComplete((response, error) -> {
            granting.set(false);
            if (error != null) {
                log.info("Granting a new etcd lease failed: {}; trying again at the next renewal", error.toString());
            } else if (closed) {
                leases.revoke(response.getID());
            } else if (lease.compareAndSet(0, response.getID())) {
                report(response.getID());
            }
        });
    }

    private void report(long id) {
        SessionListener l = listener;
        if (l != null) {
            l.sessionChanged(id);
        }
    }

    @Override
    public Entry register(String election, String participantId, String metadata) {
        long id = lease.get();
        if (id == 0) {
            throw new ElectionException("no etcd lease yet");
        }
        Set<String> used = ourKeys.computeIfAbsent(election, e -> new HashSet<>());
        ByteSequence value = bytes(Entry.value(participantId, metadata));
        for (int attempt = 0; attempt < 3; attempt++) {
            String name;
            synchronized (used) {
                String base = Long.toHexString(id);
                name = used.contains(base) || attempt > 0 ? base + "_" + suffixes.incrementAndGet() : base;
                used.add(name);
            }
            ByteSequence key = bytes(keys.prefix(election) + name);
            TxnResponse response = await("create a candidate under " + election, kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(key, value, PutOption.builder().withLeaseId(id).build()))
                    .commit());
            if (response.isSucceeded()) {
                long revision = response.getHeader().getRevision();
                return new Entry(election, name, revision, revision, id, participantId, metadata);
            }
        }
        throw new ElectionException("could not create a unique candidate key under " + keys.prefix(election));
    }

    /**
     * One range, newest first from our own create revision down, limit 2: our key (if it is still there,
     * with our lease and revision) and the one before it. Never a full listing.
     */
    @Override
    public CompletionStage<Position> position(Entry self) {
        String what = "find the predecessor of " + self.key();
        return kv.get(bytes(keys.prefix(self.election())), GetOption.builder()
                .isPrefix(true)
                .withMaxCreateRevision(self.order())
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(2)
                .build())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        throw failed(what, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                    }
                    List<KeyValue> kvs = response.getKvs();
                    boolean present = !kvs.isEmpty() && kvs.get(0).getCreateRevision() == self.order() && kvs.get(0).getLease() == self.owner();
                    Optional<KeyValue> before = present ? kvs.stream().skip(1).findFirst() : kvs.stream().findFirst();
                    return new Position(present, before.map(kv -> keys.entry(self.election(), kv)));
                });
    }

    /**
     * Watches the entry's key and its handover mark, from the server's next revision, then reads the key. A
     * deletion that comes with the mark, in one revision, is {@link Change#HANDED_OVER}.
     */
    @Override
    public Optional<Watch> watch(Entry entry, Consumer<Change> onChange) {
        ByteString key = keys.key(entry);
        ByteString end = Keys.mark(key).concat(ByteString.copyFrom(new byte[] {0})); // the mark included
        // Its creation, at revision order, is no change: a member behind the one that created it may replay it.
        WatchStream.Handle watch = watches.watch(key, end, 0, entry.order(),
                events -> onChange.accept(Keys.handedOver(events, key) ? Change.HANDED_OVER : Change.CHANGED));
        // Watch first, from the server's next revision, then read: a watch that starts at a past revision
        // is served by etcd's catch-up loop, up to 100 ms late, and a leader whose entry is deleted from
        // outside must hear of it no later than its successor does.
        GetResponse response;
        try {
            await("watch " + key.toStringUtf8(), watch.created());
            response = await("read " + key.toStringUtf8(), kv.get(ByteSequence.from(key)));
        } catch (ElectionException e) {
            watch.cancel().run();
            throw e;
        }
        Optional<Entry> current = response.getKvs().stream().findFirst()
                .filter(kv -> kv.getCreateRevision() == entry.order()) // a key of that name created again is another entry
                .map(kv -> keys.entry(entry.election(), kv));
        if (current.isEmpty()) {
            watch.cancel().run();
            return Optional.empty();
        }
        // Cancelling closes the watcher on the stream, so the server sends nothing more for it.
        return Optional.of(Watch.of(current.get(), watch.cancel()));
    }

    @Override
    public List<Entry> entries(String election, Runnable onChange) {
        ByteSequence prefix = bytes(keys.prefix(election));
        GetResponse response = await("list " + prefix, kv.get(prefix, GetOption.builder()
                .isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE)
                .withSortOrder(GetOption.SortOrder.ASCEND)
                .build()));
        if (onChange != null) {
            // From just after the revision read, so no change in between is missed; for observers, which may
            // hear of a change up to etcd's catch-up interval late. Fires once: on the first event, or on an
            // error such as a member losing its leader.
            ByteString start = ByteString.copyFrom(prefix.getBytes());
            watches.watch(start, WatchStream.prefixEnd(start), response.getHeader().getRevision() + 1, 0, events -> onChange.run());
        }
        return response.getKvs().stream().filter(kv -> !keys.isMark(election, kv)).map(kv -> keys.entry(election, kv)).toList();
    }

    /**
     * Guarded by create revision: never deletes a key of the same name that is not this entry. A handover
     * puts the key's mark, bound to our lease, in the same transaction, so the successor's one watch sees
     * both in one revision; the mark is deleted before this returns (or goes with the lease). A candidate
     * joining in between sees the mark as its predecessor and waits for that deletion, as {@code etcdctl
     * elect} would.
     */
    @Override
    public void delete(Entry own, boolean handOver) {
        ByteString name = keys.key(own);
        ByteSequence key = ByteSequence.from(name);
        ByteSequence mark = ByteSequence.from(Keys.mark(name));
        List<Op> ops = handOver
                ? List.of(Op.delete(key, DeleteOption.DEFAULT), Op.put(mark, ByteSequence.EMPTY, PutOption.builder().withLeaseId(own.owner()).build()))
                : List.of(Op.delete(key, DeleteOption.DEFAULT));
        TxnResponse response = await("delete " + key, kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(own.order())))
                .Then(ops.toArray(Op[]::new))
                .commit());
        if (handOver && response.isSucceeded()) {
            // The successor heard of the handover from the transaction; the mark goes before we return, so it
            // is not there when this coordinator joins again (it would queue behind it), nor for long for others.
            try {
                await("delete " + mark, kv.delete(mark));
            } catch (ElectionException e) {
                log.debug("Could not delete the handover mark {}; it goes with the lease: {}", mark, e.toString());
            }
        }
        Set<String> used = ourKeys.get(own.election());
        if (used != null) {
            synchronized (used) {
                used.remove(own.key());
            }
        }
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
    }

    private <T> T await(String what, CompletableFuture<T> call) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElectionException("Interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw failed(what, e.getCause());
        } catch (TimeoutException e) {
            call.cancel(true);
            throw failed(what, e);
        }
    }

    /** The error for a call that failed or timed out, the same whether it was awaited or not. */
    private ElectionException failed(String what, Throwable cause) {
        return cause instanceof TimeoutException
                ? new ElectionException("etcd did not " + what + " within " + timeout, cause)
                : new ElectionException("etcd could not " + what + ": " + cause.getMessage(), cause);
    }
}
