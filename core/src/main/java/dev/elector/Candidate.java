package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.Entry;
import dev.elector.spi.Position;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one election algorithm: lowest entry wins, each candidate watches only its predecessor. Every
 * decision runs on {@link #actor}, a serial executor, so the state below needs no lock; only the current
 * term is shared, through an atomic reference, because the deadline watchdog must end it even while the
 * actor is blocked on an unreachable cluster.
 */
final class Candidate implements Election {
    private static final Logger log = LoggerFactory.getLogger(Candidate.class);

    private enum State { NEW, RUNNING, CLOSED }

    private final DefaultCoordinator coordinator;
    private final Backend backend;
    private final Liveness liveness;
    private final String name;
    private final ElectionOptions options;
    private final SerialExecutor actor;
    private final SerialExecutor callbacks;
    private final List<ElectionListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Term> term = new AtomicReference<>();
    private final Object termSignal = new Object();
    private volatile State state = State.NEW;

    // Confined to the actor.
    private Entry self;
    private final List<Entry> stale = new ArrayList<>();
    /** Id of the newest watch; a watch firing with an older id is outdated and ignored. */
    private long watchId;
    /** The callback of the watch on our own entry while we lead, withdrawn before we delete that entry. */
    private Runnable ownWatch;
    private boolean retryPending;
    private Optional<String> observedHead;

    Candidate(DefaultCoordinator coordinator, String name, ElectionOptions options) {
        this.coordinator = coordinator;
        this.backend = coordinator.backend();
        this.liveness = coordinator.liveness();
        this.name = name;
        this.options = options;
        this.actor = new SerialExecutor(coordinator.workers());
        this.callbacks = new SerialExecutor(coordinator.callbackPool());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String participantId() {
        return options.participantId();
    }

    @Override
    public Election start() {
        synchronized (termSignal) {
            if (state == State.CLOSED) {
                throw new ElectionClosedException("election '" + name + "' of " + participantId() + " is closed");
            }
            if (state == State.RUNNING) {
                throw new IllegalStateException("election '" + name + "' of " + participantId() + " was already started");
            }
            state = State.RUNNING;
        }
        actor.execute(this::step);
        return this;
    }

    @Override
    public boolean isLeader() {
        Term t = term.get();
        return t != null && t.isValid();
    }

    @Override
    public Optional<Leadership> leadership() {
        return Optional.<Leadership>ofNullable(term.get()).filter(Leadership::isValid);
    }

    @Override
    public Leadership awaitLeadership(Duration timeout) throws InterruptedException {
        Checks.positive("timeout", timeout);
        if (options.observer()) {
            throw new IllegalStateException("election '" + name + "': an observer never leads");
        }
        if (state == State.NEW) {
            throw new IllegalStateException("election '" + name + "' is not started: call start() first");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (termSignal) {
            while (true) {
                if (state == State.CLOSED) {
                    throw new ElectionClosedException("election '" + name + "' of " + participantId() + " was closed while waiting");
                }
                Term t = term.get();
                if (t != null && t.isValid()) {
                    return t;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ElectionTimeoutException(participantId() + " did not become leader of '" + name + "' within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(termSignal, left);
            }
        }
    }

    @Override
    public Optional<Participant> leader() {
        return participants().stream().findFirst();
    }

    @Override
    public List<Participant> participants() {
        ensureOpen();
        return backend.entries(name, null).stream().map(Entry::toParticipant).toList();
    }

    @Override
    public boolean resign() {
        if (state != State.RUNNING || term.get() == null) {
            return false;
        }
        return await(actor.submit(() -> {
            Term t = term.get();
            if (t == null || !endTerm(t, RevocationReason.RESIGNED)) {
                return false;
            }
            rejoin();
            return true;
        }), "resign");
    }

    @Override
    public void addListener(ElectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(ElectionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        State before;
        synchronized (termSignal) {
            before = state;
            state = State.CLOSED;
            termSignal.notifyAll();
        }
        if (before == State.CLOSED) {
            return;
        }
        if (before == State.RUNNING) {
            try {
                closeOnActor();
            } catch (ElectionException e) {
                log.warn("Closing '{}' of {} did not finish: {}; its entry goes when the session ends", name, participantId(), e.getMessage());
            }
        }
        coordinator.forget(this);
    }

    /** Ends the term here and now, then deletes the entry on the actor, which may be busy with the backend. */
    private void closeOnActor() {
        endTerm(term.get(), RevocationReason.CLOSED);
        await(actor.submit(() -> {
            watchId++;
            endTerm(term.get(), RevocationReason.CLOSED); // a claim that was in flight
            leave();
            // Deleting now lets the successor take over in one round trip instead of a session timeout.
            try {
                purgeStale(liveness.epoch());
            } catch (RuntimeException e) {
                log.warn("Could not delete the entry of {} in '{}'; it goes when the session ends", participantId(), name, e);
            }
            return null;
        }), "close");
    }

    /**
     * Ends the term because the coordinator's deadline passed or its session changed. Runs on any thread:
     * the term ends here and now, and only the clean-up waits for the actor.
     */
    void livenessLost(RevocationReason reason, boolean entriesGone) {
        boolean ended = endTerm(term.get(), reason);
        if (!ended && !entriesGone) {
            return; // a waiting candidate keeps its place while the session may still recover
        }
        actor.execute(() -> {
            if (state != State.RUNNING) {
                return;
            }
            if (entriesGone) {
                // Entries of the old session are gone; step() drops them by owner. Clearing self here instead
                // would throw away an entry a queued step already registered on the new session.
                watchId++;
                step();
            } else {
                rejoin(); // a fresh entry, so the next term cannot reuse this term's token
            }
        });
    }

    /** Re-evaluates the election: the one step of the algorithm, safe to run any number of times. */
    private void step() {
        if (state != State.RUNNING) {
            return;
        }
        try {
            long epoch = liveness.epoch();
            if (epoch == 0) {
                return; // no session: the session listener steps again once there is one
            }
            if (options.observer()) {
                observe();
                return;
            }
            purgeStale(epoch);
            if (self != null && self.owner() != epoch) {
                log.debug("{}'s entry {} went with session {}", participantId(), self.key(), Long.toHexString(self.owner()));
                self = null;
                ownWatch = null; // its watch went with the session, or fires on the deletion and is ignored
            }
            if (self == null) {
                self = backend.register(name, participantId(), options.metadata());
                log.debug("{} joined '{}' as {}", participantId(), name, self.key());
            }
            if (term.get() != null) {
                return; // leading: the watch on our own entry reports its deletion
            }
            long id = ++watchId;
            Position position = backend.position(self);
            if (!position.present()) {
                // Our entry is gone: never claim with it (Curator's CURATOR-696 double leader, etcd's phantom
                // campaign #19597).
                log.info("{}'s entry in '{}' is gone; joining again", participantId(), name);
                self = null;
                actor.execute(this::step);
                return;
            }
            if (position.predecessor().isPresent()) {
                if (backend.watch(position.predecessor().get(), () -> wake(id, this::step)).isEmpty()) {
                    actor.execute(this::step); // it went between the two reads
                }
                return;
            }
            // First, and the entry is ours: it is still there, and it was created by this very session (its
            // owner, read at registration, equals the current epoch, checked above).
            if (!liveness.isValid(epoch)) {
                retryLater(); // no acknowledged renewal yet: claiming now could outlive the session
                return;
            }
            claim(self, epoch);
            // Watch our own entry only now, so the claim costs a successor no extra round trip; a deletion
            // in between is found by this very read and ends the term at once.
            ownWatch = () -> wake(id, () -> {
                ownWatch = null; // it fired: nothing to withdraw
                ownEntryChanged();
            });
            Optional<Entry> mine = backend.watch(self, ownWatch);
            if (mine.isEmpty()) {
                ownWatch = null; // no watch was left
            }
            if (mine.isEmpty() || mine.get().owner() != epoch) {
                ownEntryChanged();
            }
        } catch (RuntimeException e) {
            log.warn("{} in '{}': {}; retrying", participantId(), name, e.toString());
            retryLater();
        }
    }

    private void claim(Entry mine, long epoch) {
        Term t = new Term(name, participantId(), mine.token(), epoch, liveness);
        synchronized (termSignal) {
            // Publishing the term and queueing its election under one lock with endTerm keeps listeners from
            // hearing of a revocation before the election it ends.
            term.set(t);
            notifyListeners(l -> l.elected(t));
            termSignal.notifyAll();
        }
        if (!liveness.isValid(epoch)) {
            // The watchdog may have fired between the check in step() and the set, seeing no term to end.
            if (endTerm(t, RevocationReason.DEADLINE_PASSED)) {
                rejoin();
            }
            return;
        }
        log.info("{} elected in '{}' with token {}", participantId(), name, t.fencingToken());
    }

    /**
     * Our own entry was deleted or changed while we lead. The term ends at once, before any re-read: the
     * successor's watch fired too, and it needs a round trip before it can claim, which a re-read here would
     * hand it as a head start. The entry, if it is still there, is replaced, so the next term gets a new token.
     */
    private void ownEntryChanged() {
        Term t = term.get();
        if (t == null || state != State.RUNNING) {
            step();
            return;
        }
        log.warn("{}'s entry in '{}' was deleted or changed from outside; stepping down", participantId(), name);
        endTerm(t, RevocationReason.ENTRY_DELETED);
        rejoin();
    }

    private void observe() {
        long id = ++watchId;
        List<Entry> entries = backend.entries(name, () -> wake(id, this::step));
        Optional<Participant> head = entries.stream().findFirst().map(Entry::toParticipant);
        Optional<String> headKey = entries.stream().findFirst().map(Entry::key);
        if (!headKey.equals(observedHead)) {
            observedHead = headKey;
            notifyListeners(l -> l.leaderChanged(head));
        }
    }

    /** Leaves the queue with the current entry and joins again at the back. */
    private void rejoin() {
        watchId++;
        leave();
        step();
    }

    /**
     * Gives up the current entry, to be deleted by {@link #purgeStale}. Its own watch is withdrawn first, so
     * the deletion notifies the successor only (the herd figure counts one notification per change).
     */
    private void leave() {
        if (self == null) {
            return;
        }
        if (ownWatch != null) {
            backend.unwatch(self, ownWatch);
            ownWatch = null;
        }
        stale.add(self);
        self = null;
    }

    /** Deletes entries we gave up; those of an earlier session are already gone with it. */
    private void purgeStale(long epoch) {
        for (Iterator<Entry> it = stale.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.owner() == epoch) {
                backend.delete(entry);
            }
            it.remove();
        }
    }

    private boolean endTerm(Term t, RevocationReason reason) {
        synchronized (termSignal) {
            if (t == null || !term.compareAndSet(t, null)) {
                return false;
            }
            t.end(reason, callbacks);
            notifyListeners(l -> l.revoked(t, reason));
        }
        log.info("{} no longer leads '{}' (token {}): {}", participantId(), name, t.fencingToken(), reason);
        return true;
    }

    private void wake(long id, Runnable action) {
        actor.execute(() -> {
            if (id == watchId && state == State.RUNNING) {
                action.run();
            }
        });
    }

    private void retryLater() {
        if (retryPending || state != State.RUNNING) {
            return;
        }
        retryPending = true;
        coordinator.schedule(() -> actor.execute(() -> {
            retryPending = false;
            step();
        }), coordinator.retryDelay());
    }

    private void notifyListeners(Consumer<ElectionListener> event) {
        callbacks.execute(() -> {
            for (ElectionListener listener : listeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    log.error("A listener of '{}' threw; the others still run", name, e);
                }
            }
        });
    }

    private void ensureOpen() {
        if (state == State.CLOSED) {
            throw new ElectionClosedException("election '" + name + "' of " + participantId() + " is closed");
        }
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> future, String what) {
        Duration limit = coordinator.operationTimeout();
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElectionException(what + " of '" + name + "' was interrupted", e);
        } catch (ExecutionException e) {
            throw new ElectionException(what + " of '" + name + "' failed", e.getCause());
        } catch (TimeoutException e) {
            throw new ElectionTimeoutException(what + " of '" + name + "' did not finish within " + limit + "; it goes on in the background");
        }
    }

    @Override
    public String toString() {
        return "Election{name=" + name + ", participant=" + participantId() + ", state=" + state + ", leader=" + isLeader() + "}";
    }
}
