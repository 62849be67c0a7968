package dev.elector.raft;

import dev.elector.CoordinatorUnavailableException;
import dev.elector.Durations;
import dev.elector.ElectionException;
import dev.elector.raft.Wire.Change;
import dev.elector.raft.Wire.Feed;
import dev.elector.spi.Backend;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.SessionListener;
import dev.elector.spi.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPI on a replicated {@link RegistryState}: every change is a command committed through Raft, every read
 * that a claim rests on is linearizable, and one session per coordinator is renewed by committed renewals.
 *
 * <p>Watches are local: one thread follows the registry's feed of changes, in log order, and runs the
 * watches they concern. A voter follows its own node's applied log; a client follows the Raft leader's.
 * The feed is a held query that returns as soon as something changes, so nothing is polled on a timer.
 */
final class RaftBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(RaftBackend.class);

    private final RaftSettings settings;
    private final RaftNode node;
    /** Commands and reads; replaced when Ratis gives up on a command, which closes the client's ordered window for good. */
    private final java.util.concurrent.atomic.AtomicReference<RaftClient> client = new java.util.concurrent.atomic.AtomicReference<>();
    private final RaftClient feedClient;
    private final String prefix;
    private final SessionListener listener;
    private final AtomicLong session = new AtomicLong();
    private final AtomicBoolean opening = new AtomicBoolean();
    private final Map<Long, List<Pending>> entryWatches = new ConcurrentHashMap<>();
    private final Map<String, List<Pending>> electionWatches = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread follower;
    private final java.util.random.RandomGenerator nonces = new java.security.SecureRandom();
    private volatile boolean closed;

    /** A watch's callback, run at most once, and not at all once cancelled. */
    private static final class Pending {
        final Runnable action;
        final AtomicBoolean done = new AtomicBoolean();

        Pending(Runnable action) {
            this.action = action;
        }

        void fire() {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        }
    }

    private RaftBackend(RaftSettings settings, RaftNode node, String namespace, SessionListener listener) {
        this.settings = settings;
        this.node = node;
        this.client.set(settings.client());
        this.feedClient = settings.client();
        this.prefix = "/" + namespace + "/";
        this.listener = listener;
        this.follower = new Thread(this::follow, "elector-raft-watches");
        this.follower.setDaemon(true);
    }

    static RaftBackend connect(ConnectionSpec spec, SessionListener listener) {
        RaftSettings settings = RaftSettings.of(spec);
        RaftNode node = settings.self() == null ? null : RaftNode.acquire(settings);
        RaftBackend backend = new RaftBackend(settings, node, spec.namespace(), listener);
        try {
            Wire.Reply opened = backend.command("open a session", new Wire.Open(settings.sessionTimeout().toMillis())).get();
            if (opened.status() == Wire.Status.REFUSED) {
                backend.close();
                throw new IllegalArgumentException(opened.reason());
            }
            backend.session.set(opened.index());
            backend.follower.start();
            return backend;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            backend.close();
            throw new CoordinatorUnavailableException("Interrupted while connecting to the Raft group " + settings.voters(), e);
        } catch (ExecutionException e) {
            backend.close();
            Throwable cause = e.getCause();
            throw new CoordinatorUnavailableException("Could not open a session with the Raft group " + settings.voters()
                    + " within the connect timeout of " + Durations.format(settings.connectTimeout()) + ": " + cause.getMessage(), cause);
        }
    }

    @Override
    public Duration sessionTimeout() {
        return settings.sessionTimeout();
    }

    @Override
    public long epoch() {
        return session.get();
    }

    /** Under Ratis's own limit of requests in flight per client, past which it would block the sender. */
    @Override
    public int maxCallsInFlight() {
        return 256;
    }

    @Override
    public CompletionStage<Void> renew() {
        long id = session.get();
        if (id == 0) {
            openAgain();
            return CompletableFuture.failedFuture(new ElectionException("no Raft session; opening a new one"));
        }
        return command("renew session " + id, new Wire.Renew(id)).thenApply(reply -> {
            if (reply.status() == Wire.Status.NO_SESSION) {
                sessionLost(id);
                throw new ElectionException("the Raft group expired session " + id);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Entry> register(String election, String participantId, String metadata) {
        long id = session.get();
        if (id == 0) {
            return CompletableFuture.failedFuture(new ElectionException("no Raft session yet"));
        }
        String value = Entry.value(participantId, metadata);
        long nonce = nonces.nextLong();
        return command("add a candidate to " + election, new Wire.Register(id, prefix + election, value, nonce)).whenComplete((reply, error) -> {
            if (error != null) {
                // The reply may be lost while the entry was added: take it back, or it would stand in the queue
                // with no one to claim for it. Commands of one client apply in the order they were sent.
                command("withdraw a candidate from " + election, new Wire.Withdraw(id, prefix + election, nonce));
            }
        }).thenApply(reply -> {
            if (reply.status() == Wire.Status.NO_SESSION) {
                sessionLost(id);
                throw new ElectionException("the Raft group expired session " + id + " before the candidate was added");
            }
            if (reply.status() == Wire.Status.REFUSED) {
                throw new ElectionException("the Raft group refused the candidate: " + reply.reason());
            }
            return Entry.of(election, Long.toString(reply.index()), reply.index(), reply.index(), id, value);
        });
    }

    @Override
    public CompletionStage<Position> position(Entry self) {
        return read("find the predecessor of " + self.key(), new Wire.PositionOf(prefix + self.election(), self.order(), self.owner()))
                .thenApply(message -> {
                    Wire.Place place = Wire.place(message);
                    return switch (place.kind()) {
                        case 1 -> Position.FIRST;
                        case 2 -> new Position.Behind(new EntryRef(self.election(), Long.toString(place.predecessor()), place.predecessor()));
                        default -> Position.GONE;
                    };
                });
    }

    /**
     * Leaves the watch first and reads after: the read is linearizable, so a deletion it does not see comes
     * later in the log, and the feed brings it to the watch.
     */
    @Override
    public CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange) {
        Pending pending = new Pending(onChange);
        add(entryWatches, entry.order(), pending);
        Watch watch = () -> {
            pending.done.set(true);
            remove(entryWatches, entry.order(), pending);
        };
        return read("watch " + entry.key(), new Wire.Exists(prefix + entry.election(), entry.order())).handle((message, error) -> {
            if (error != null || !Wire.exists(message)) {
                watch.cancel();
                if (error != null) {
                    throw error instanceof CompletionException c ? c : new CompletionException(error);
                }
                return Optional.empty();
            }
            return Optional.of(watch);
        });
    }

    @Override
    public CompletionStage<List<Entry>> entries(String election, Runnable onChange) {
        if (onChange != null) {
            add(electionWatches, prefix + election, new Pending(onChange));
        }
        return read("list the candidates of " + election, new Wire.ListEntries(prefix + election)).thenApply(message -> {
            List<Entry> entries = new ArrayList<>();
            for (Wire.Stored s : Wire.entries(message)) {
                entries.add(Entry.of(election, Long.toString(s.index()), s.index(), s.index(), s.session(), s.value()));
            }
            return entries;
        });
    }

    @Override
    public CompletionStage<Void> delete(Entry own) {
        return command("delete " + own.key(), new Wire.Delete(own.owner(), prefix + own.election(), own.order())).thenApply(reply -> null);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing.countDown();
        follower.interrupt();
        long id = session.getAndSet(0);
        if (id != 0) {
            try {
                // Closing deletes every entry of this coordinator at once, instead of after the TTL.
                command("close session " + id, new Wire.Close(id)).toCompletableFuture().get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.info("Could not close Raft session {}; its entries go when it expires: {}", id, e.toString());
            }
        }
        closeQuietly(client.get());
        closeQuietly(feedClient);
        try {
            follower.join(settings.connectTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (node != null) {
            node.release();
        }
    }

    /** Follows the feed from where the session opened, on its own thread, until close. */
    private void follow() {
        long cursor = session.get();
        while (!closed) {
            try {
                Message message = feedCall(cursor).get(RegistryStateMachine.FEED_HOLD.toMillis() + settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
                Feed feed = Wire.feed(message);
                if (feed.reset()) {
                    log.info("The Raft node no longer holds changes from index {}; every watch fires and reads again", cursor);
                    fireAll(entryWatches);
                    fireAll(electionWatches);
                } else {
                    feed.changes().forEach(this::dispatch);
                }
                cursor = Math.max(cursor, feed.upTo());
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.debug("Following the Raft registry failed; trying again: {}", e.toString());
                try {
                    closing.await(200, TimeUnit.MILLISECONDS); // a pause before the next try, cut short by close
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** A voter follows its own node's applied log; a client, the Raft leader's. */
    private CompletableFuture<Message> feedCall(long cursor) {
        Message query = Wire.message(new Wire.Changes(cursor, prefix));
        CompletableFuture<RaftClientReply> call = settings.self() == null ? feedClient.async().sendReadOnlyUnordered(query)
                : feedClient.async().sendReadOnlyUnordered(query, RaftSettings.id(settings.self()));
        return call.thenApply(RaftBackend::message);
    }

    private void dispatch(Change change) {
        switch (change.kind()) {
            case ADDED -> fire(electionWatches.remove(change.election()));
            case REMOVED -> {
                fire(entryWatches.remove(change.subject()));
                fire(electionWatches.remove(change.election()));
            }
            case SESSION_ENDED -> {
                if (change.subject() == session.get()) {
                    sessionLost(change.subject());
                }
            }
        }
    }

    private void sessionLost(long id) {
        if (session.compareAndSet(id, 0)) {
            log.warn("Raft session {} expired; opening a new one", id);
            listener.sessionChanged(0);
            openAgain();
        }
    }

    private void openAgain() {
        if (closed || !opening.compareAndSet(false, true)) {
            return;
        }
        command("open a session", new Wire.Open(settings.sessionTimeout().toMillis())).whenComplete((reply, error) -> {
            opening.set(false);
            if (error != null) {
                log.info("Opening a new Raft session failed: {}; trying again at the next renewal", error.toString());
            } else if (closed) {
                command("close session " + reply.index(), new Wire.Close(reply.index()));
            } else if (session.compareAndSet(0, reply.index())) {
                listener.sessionChanged(reply.index());
            }
        });
    }

    private CompletableFuture<Wire.Reply> command(String what, Wire.Command command) {
        RaftClient current = client.get();
        return call(what, current.async().send(Wire.message(command))).whenComplete((reply, error) -> {
            if (error != null && gaveUp(error)) {
                replace(current);
            }
        }).thenApply(Wire::reply);
    }

    private CompletableFuture<Message> read(String what, Wire.Query query) {
        // Unordered: a read waits for no write of this client, and is linearizable by the servers' read option.
        return call(what, client.get().async().sendReadOnlyUnordered(Wire.message(query)));
    }

    /** Whether Ratis gave up on a command, or on the client: its ordered window then stays closed. */
    private static boolean gaveUp(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof org.apache.ratis.protocol.exceptions.RaftRetryFailureException
                    || t instanceof org.apache.ratis.protocol.exceptions.AlreadyClosedException) {
                return true;
            }
        }
        return false;
    }

    /** A new client in place of one whose window Ratis closed; once, however many of its calls fail. */
    private void replace(RaftClient broken) {
        if (closed) {
            return;
        }
        RaftClient fresh = settings.client();
        if (client.compareAndSet(broken, fresh)) {
            log.info("Ratis gave up on a command after its retries; continuing on a new client");
            closeQuietly(broken);
        } else {
            closeQuietly(fresh);
        }
        if (closed) {
            closeQuietly(client.get()); // close() may have run meanwhile and closed the one before
        }
    }

    /** The call's reply, or an {@link ElectionException} saying what was tried, within the connect timeout. */
    private CompletableFuture<Message> call(String what, CompletableFuture<RaftClientReply> call) {
        Duration timeout = settings.connectTimeout();
        return call.thenApply(RaftBackend::message).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((message, error) -> {
            if (error == null) {
                return message;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                throw new ElectionException("the Raft group did not " + what + " within " + Durations.format(timeout), cause);
            }
            throw new ElectionException("the Raft group could not " + what + ": " + cause.getMessage(), cause);
        });
    }

    private static Message message(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException());
        }
        return reply.getMessage();
    }

    private static <K> void add(Map<K, List<Pending>> watches, K key, Pending pending) {
        watches.compute(key, (k, list) -> {
            List<Pending> updated = list == null ? new ArrayList<>() : list;
            updated.add(pending);
            return updated;
        });
    }

    private static <K> void remove(Map<K, List<Pending>> watches, K key, Pending pending) {
        watches.computeIfPresent(key, (k, list) -> {
            list.remove(pending);
            return list.isEmpty() ? null : list;
        });
    }

    private static void fire(List<Pending> fired) {
        if (fired != null) {
            fired.forEach(Pending::fire);
        }
    }

    private static <K> void fireAll(Map<K, List<Pending>> watches) {
        for (K key : List.copyOf(watches.keySet())) {
            fire(watches.remove(key));
        }
    }

    private static void closeQuietly(RaftClient client) {
        try {
            client.close();
        } catch (Exception e) {
            log.debug("Closing a Raft client failed: {}", e.toString());
        }
    }
}
