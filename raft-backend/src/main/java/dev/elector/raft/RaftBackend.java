package dev.elector.raft;

import dev.elector.CoordinatorUnavailableException;
import dev.elector.Durations;
import dev.elector.ElectionException;
import dev.elector.spi.Backend;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.SessionListener;
import dev.elector.spi.Watch;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPI on a replicated {@link RegistryState}: every change is a command committed through Raft, every
 * read that a claim rests on is linearizable, and one session per coordinator is renewed by committed
 * renewals. Watches are local, run by the coordinator's {@link Feed}: a voter follows its own node's
 * applied log, a client the Raft leader's.
 */
final class RaftBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(RaftBackend.class);

    private final RaftSettings settings;
    private final RaftNode node;
    /** Commands and reads; replaced when Ratis gives up on a command, which closes the client's ordered window for good. */
    private final AtomicReference<RaftClient> client = new AtomicReference<>();
    private final RaftClient feedClient;
    private final String namespace;
    private final SessionListener listener;
    private final Feed feed;
    private final AtomicLong session = new AtomicLong();
    private final AtomicBoolean opening = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RandomGenerator nonces = new SecureRandom();
    /** Registers given up on, whose withdrawal the group has not acknowledged yet: sent again at each renewal. */
    private final Map<Long, Wire.Withdraw> withdrawals = new ConcurrentHashMap<>();

    private RaftBackend(RaftSettings settings, RaftNode node, String namespace, SessionListener listener) {
        this.settings = settings;
        this.node = node;
        this.client.set(settings.client());
        this.feedClient = settings.client();
        this.namespace = namespace;
        this.listener = listener;
        this.feed = new Feed(this::changesAfter, this::sessionLost, RegistryStateMachine.FEED_HOLD.plus(settings.connectTimeout()));
    }

    static RaftBackend connect(ConnectionSpec spec, SessionListener listener) {
        RaftSettings settings = RaftSettings.of(spec);
        RaftNode node = settings.self() == null ? null : RaftNode.acquire(settings);
        RaftBackend backend;
        try {
            backend = new RaftBackend(settings, node, spec.namespace(), listener);
        } catch (RuntimeException e) {
            if (node != null) {
                node.release();
            }
            throw e;
        }
        try {
            Wire.Reply opened = backend.open().get();
            if (opened.status() == Wire.Status.REFUSED) {
                throw new IllegalArgumentException(opened.reason());
            }
            backend.session.set(opened.index());
            backend.feed.start(opened.index());
            return backend;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            backend.close();
            throw new CoordinatorUnavailableException("Interrupted while connecting to the Raft group " + settings.voters(), e);
        } catch (ExecutionException e) {
            backend.close();
            throw new CoordinatorUnavailableException("Could not open a session with the Raft group " + settings.voters()
                    + " within the connect timeout of " + Durations.format(settings.connectTimeout()) + ": " + e.getCause().getMessage(), e.getCause());
        } catch (RuntimeException e) {
            backend.close();
            throw e;
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

    /**
     * Few, because a renewal is a command on the same ordered client as the registers and deletes, and the
     * same group serves the linearizable reads: with 1,000 elections joining at once, 256 or 64 calls in
     * flight kept the group busy past a 3 s session's validity, so renewals missed their deadline (4 of 5
     * runs) and now and then the session expired; with 32 none did in 5 runs, and all led as soon (measured
     * with 1,000 and 2,000 elections on a 3-voter group of JVMs). Far under Ratis's own limit (1,024), past
     * which it would block the sender.
     */
    @Override
    public int maxCallsInFlight() {
        return 32;
    }

    @Override
    public CompletionStage<Void> renew() {
        long id = session.get();
        if (id == 0) {
            openAgain();
            return CompletableFuture.failedFuture(new ElectionException("no Raft session; opening a new one"));
        }
        withdrawals.values().forEach(this::withdraw);
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
        Wire.Register register = new Wire.Register(id, Wire.election(namespace, election), value, nonces.nextLong());
        return command("add a candidate to " + election, register).whenComplete((reply, error) -> {
            if (error != null) {
                // The reply may be lost while the entry was added: take it back, or it would stand in the queue
                // with no one to claim for it. Until the group acknowledges that, it is sent again.
                withdraw(new Wire.Withdraw(id, register.election(), register.nonce()));
            }
        }).thenApply(reply -> switch (reply.status()) {
            case OK -> new Wire.Stored(reply.index(), id, value, register.nonce()).toEntry(election);
            case NO_SESSION -> {
                sessionLost(id);
                throw new ElectionException("the Raft group expired session " + id + " before the candidate was added");
            }
            case REFUSED -> throw new ElectionException("the Raft group refused the candidate: " + reply.reason());
        });
    }

    private void withdraw(Wire.Withdraw withdrawal) {
        withdrawals.put(withdrawal.nonce(), withdrawal);
        command("withdraw a candidate", withdrawal).thenAccept(reply -> withdrawals.remove(withdrawal.nonce()));
    }

    @Override
    public CompletionStage<Position> position(Entry self) {
        return read("find the predecessor of " + self.key(), new Wire.PositionOf(Wire.election(namespace, self.election()), self.order(), self.owner()))
                .thenApply(message -> {
                    Wire.Place place = Wire.place(message);
                    return switch (place.kind()) {
                        case FIRST -> Position.FIRST;
                        case BEHIND -> new Position.Behind(new EntryRef(self.election(), Long.toString(place.predecessor()), place.predecessor()));
                        case GONE -> Position.GONE;
                    };
                });
    }

    /**
     * Leaves the watch first and reads after: the read is linearizable, so a deletion it does not see comes
     * later in the log, and the feed brings it to the watch.
     */
    @Override
    public CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange) {
        Watch watch = feed.watchEntry(entry.order(), onChange);
        return read("watch " + entry.key(), new Wire.Exists(Wire.election(namespace, entry.election()), entry.order()))
                .whenComplete((message, error) -> {
                    if (error != null) {
                        watch.cancel();
                    }
                })
                .thenApply(message -> {
                    if (Wire.exists(message)) {
                        return Optional.of(watch);
                    }
                    watch.cancel();
                    return Optional.empty();
                });
    }

    @Override
    public CompletionStage<List<Entry>> entries(String election, Runnable onChange) {
        Watch watch = onChange == null ? null : feed.watchElection(Wire.election(namespace, election), onChange);
        return read("list the candidates of " + election, new Wire.ListEntries(Wire.election(namespace, election))).whenComplete((message, error) -> {
            if (error != null && watch != null) {
                watch.cancel(); // the caller tries again, with a watch of its own
            }
        }).thenApply(message -> {
            List<Entry> entries = new ArrayList<>();
            for (Wire.Stored s : Wire.entries(message)) {
                entries.add(s.toEntry(election));
            }
            return entries;
        });
    }

    @Override
    public CompletionStage<Void> delete(Entry own) {
        return command("delete " + own.key(), new Wire.Delete(own.owner(), Wire.election(namespace, own.election()), own.order())).thenApply(reply -> null);
    }

    /**
     * Ends the session (deleting its entries at once, instead of after the TTL), then stops the feed, the
     * clients and this JVM's use of its node; each step bounded, so that the whole takes about one connect
     * timeout at most, and nothing is thrown.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long id = session.getAndSet(0);
        if (id != 0) {
            try {
                command("close session " + id, new Wire.Close(id)).get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.info("Could not close Raft session {}; its entries go when it expires: {}", id, e.toString());
            }
        }
        closeQuietly(client.get());
        closeQuietly(feedClient);
        feed.close(Duration.ofSeconds(1)); // its query just failed with the client
        if (node != null) {
            try {
                node.release();
            } catch (RuntimeException e) {
                log.warn("Stopping the Raft node failed: {}", e.toString());
            }
        }
    }

    /** The feed's query: a voter reads its own node's applied log, a client the Raft leader's. */
    private CompletableFuture<Wire.Feed> changesAfter(long cursor) {
        Message query = Wire.message(new Wire.Changes(cursor, Wire.prefix(namespace)));
        CompletableFuture<RaftClientReply> call = settings.self() == null ? feedClient.async().sendReadOnlyUnordered(query)
                : feedClient.async().sendReadOnlyUnordered(query, RaftSettings.id(settings.self()));
        return call.thenApply(RaftBackend::message).thenApply(Wire::feed);
    }

    private void sessionLost(long id) {
        if (session.compareAndSet(id, 0)) {
            log.warn("Raft session {} expired; opening a new one", id);
            withdrawals.clear(); // whatever they would take back went with the session
            listener.sessionChanged(0);
            openAgain();
        }
    }

    private CompletableFuture<Wire.Reply> open() {
        return command("open a session", new Wire.Open(settings.sessionTimeout().toMillis()));
    }

    private void openAgain() {
        if (closed.get() || !opening.compareAndSet(false, true)) {
            return;
        }
        open().whenComplete((reply, error) -> {
            opening.set(false);
            if (error != null) {
                log.info("Opening a new Raft session failed: {}; trying again at the next renewal", error.toString());
            } else if (reply.status() == Wire.Status.REFUSED) {
                log.warn("The Raft group refused a new session: {}; trying again at the next renewal", reply.reason());
            } else if (closed.get()) {
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
            if (t instanceof RaftRetryFailureException || t instanceof AlreadyClosedException) {
                return true;
            }
        }
        return false;
    }

    /** A new client in place of one whose window Ratis closed; once, however many of its calls fail. */
    private void replace(RaftClient broken) {
        if (closed.get()) {
            return;
        }
        RaftClient fresh = settings.client();
        if (client.compareAndSet(broken, fresh)) {
            log.info("Ratis gave up on a command after its retries; continuing on a new client");
            closeQuietly(broken);
        } else {
            closeQuietly(fresh);
        }
        if (closed.get()) {
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

    private static void closeQuietly(RaftClient client) {
        try {
            client.close();
        } catch (Exception e) {
            log.debug("Closing a Raft client failed: {}", e.toString());
        }
    }
}
