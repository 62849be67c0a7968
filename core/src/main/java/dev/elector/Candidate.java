package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.Change;
import dev.elector.spi.Entry;
import dev.elector.spi.Position;
import dev.elector.spi.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
    private final Listeners listeners;
    private final AtomicReference<Term> term = new AtomicReference<>();
    private final Object termSignal = new Object();
    private volatile State state = State.NEW;

    // Confined to the actor.
    private Entry self;
    /** The term {@link #self} led, if any, so that giving it up may be marked as a handover. */
    private Term selfTerm;
    private final GivenUp givenUp;
    /** Id of the newest predecessor watch; one firing with an older id is outdated and ignored. */
    private long watchId;
    /** The watch on our own entry, left as soon as we join and withdrawn before we delete that entry. */
    private OwnWatch own;
    private boolean retryPending;
    private Optional<String> observedHead;

    Candidate(DefaultCoordinator coordinator, String name, ElectionOptions options) {
        this.coordinator = coordinator;
        this.backend = coordinator.backend();
        this.liveness = coordinator.liveness();
        this.name = name;
        this.options = options;
        this.actor = new SerialExecutor(coordinator.workers());
        this.listeners = new Listeners(name, options.listenerExecutor(), coordinator.callbackPool(), actor);
        this.givenUp = new GivenUp(coordinator, listeners, actor, "'" + name + "' of " + options.participantId(), this::retryLater);
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
            ensureOpen();
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
        boolean mayHandOver = !listeners.onOwnThread(); // see closeOnActor
        return onActor(() -> {
            Term t = term.get();
            if (t == null || !endTerm(t, RevocationReason.RESIGNED)) {
                return CompletableFuture.completedFuture(false);
            }
            return rejoin(mayHandOver).thenApply(joined -> true);
        }, true, "resign");
    }

    /**
     * Runs the work of {@code close()} or {@code resign()} on the actor (here if it is idle) and waits for it;
     * but from a listener on the user's executor, maybe a backend's own thread that the answer must come
     * on, it only queues the work and returns {@code queued}.
     */
    private <T> T onActor(Supplier<CompletableFuture<T>> work, T queued, String what) {
        if (listeners.onOwnThread() && listeners.onUsersExecutor()) {
            actor.execute(work::get);
            return queued;
        }
        return await(actor.submitHereIfIdle(work).thenCompose(done -> done), what);
    }

    @Override
    public void addListener(ElectionListener listener) {
        listeners.add(listener);
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
        // Called from one of this election's listeners, the revocation queued behind that listener cannot run
        // before the entry goes, so the deletion must not be marked as a handover.
        boolean mayHandOver = !listeners.onOwnThread();
        endTerm(term.get(), RevocationReason.CLOSED);
        onActor(() -> {
            watchId++;
            endTerm(term.get(), RevocationReason.CLOSED); // a claim that was in flight
            CompletableFuture<Void> left = leave(mayHandOver);
            // Deleting now lets the successor take over at once instead of after a session timeout.
            try {
                givenUp.purge(liveness.epoch());
            } catch (RuntimeException e) {
                log.warn("Could not delete the entry of {} in '{}'; it goes when the session ends", participantId(), name, e);
            }
            return left;
        }, null, "close");
    }

    /** Ends the term because the deadline passed or the session changed: here and now, on any thread; the rest on the actor. */
    void livenessLost(RevocationReason reason, boolean entriesGone) {
        boolean ended = endTerm(term.get(), reason, listeners::deliverFromOwnThreads); // the caller may hold the backend's lock
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
                rejoin(true); // a fresh entry, so the next term cannot reuse this term's token
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
            givenUp.purge(epoch);
            if (self != null && self.owner() != epoch) {
                log.debug("{}'s entry {} went with session {}", participantId(), self.key(), Long.toHexString(self.owner()));
                forgetSelf(); // its watches went with the session
            }
            if (self == null) {
                self = backend.register(name, participantId(), options.metadata());
                log.debug("{} joined '{}' as {}", participantId(), name, self.key());
            }
            if (own == null && !watchOwnEntry(epoch)) {
                return;
            }
            if (term.get() != null) {
                return; // leading: the watch on our own entry reports its deletion
            }
            long id = ++watchId;
            Position position = await(backend.position(self).toCompletableFuture(), "read the position");
            if (!position.present()) {
                // Our entry is gone: never claim with it (Curator's CURATOR-696 double leader, etcd's phantom
                // campaign #19597).
                log.info("{}'s entry in '{}' is gone; joining again", participantId(), name);
                forgetSelf();
                actor.execute(this::step);
                return;
            }
            if (position.predecessor().isPresent()) {
                if (backend.watch(position.predecessor().get(), predecessorWatch(id)).isEmpty()) {
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
        } catch (RuntimeException e) {
            log.warn("{} in '{}': {}; retrying", participantId(), name, e.toString());
            retryLater();
        }
    }

    private void claim(Entry mine, long epoch) {
        Term t = new Term(name, participantId(), mine.token(), epoch, liveness);
        selfTerm = t;
        synchronized (termSignal) {
            // Publishing the term and queueing its election under one lock with endTerm keeps listeners from
            // hearing of a revocation before the election it ends.
            term.set(t);
            listeners.queue(l -> l.elected(t));
            termSignal.notifyAll();
        }
        listeners.deliver();
        if (!liveness.isValid(epoch)) {
            // The watchdog may have fired between the check in step() and the set, seeing no term to end.
            if (endTerm(t, RevocationReason.DEADLINE_PASSED)) {
                rejoin(true);
            }
            return;
        }
        log.info("{} elected in '{}' with token {}", participantId(), name, t.fencingToken());
    }

    /**
     * Leaves the watch on our own entry, kept from joining until the entry is given up, so that its deletion
     * by anyone reaches us before any later change: a candidate told that its predecessor handed over knows
     * from it that its own entry is still there.
     *
     * @return false if the entry is gone or is not ours; the candidate then joins again
     */
    private boolean watchOwnEntry(long epoch) {
        OwnWatch w = new OwnWatch(self);
        Optional<Watch> watch = backend.watch(self, w);
        if (watch.isPresent() && watch.get().entry().owner() == epoch) {
            w.handle = watch.get();
            own = w;
            return true;
        }
        watch.ifPresent(Watch::cancel);
        log.info("{}'s entry in '{}' is gone; joining again", participantId(), name);
        Term t = term.get();
        if (t != null) {
            endTerm(t, RevocationReason.ENTRY_DELETED);
        }
        forgetSelf();
        actor.execute(this::step);
        return false;
    }

    /**
     * Takes over from a predecessor that handed over, if this candidate may. Its owner marked the deletion,
     * so it led (only the head of the queue leads, and entries join only at the back, so we are now first)
     * and its term is over, revocation listeners included; our own entry is still there, or its watch would
     * have fired first. So we claim at once, with no read: the read after an unmarked deletion exists only to
     * give a leader whose entry was deleted from outside a head start to step down.
     *
     * @return whether it claimed
     */
    private boolean tookOver() {
        long epoch = liveness.epoch();
        if (mayClaimWith(self, epoch)) {
            claim(self, epoch);
            return true;
        }
        return false;
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
        rejoin(true);
    }

    private void observe() {
        long id = ++watchId;
        List<Entry> entries = backend.entries(name, () -> wake(id, this::step));
        Optional<Participant> head = entries.stream().findFirst().map(Entry::toParticipant);
        Optional<String> headKey = entries.stream().findFirst().map(Entry::key);
        if (!headKey.equals(observedHead)) {
            observedHead = headKey;
            listeners.tell(l -> l.leaderChanged(head));
        }
    }

    /**
     * Leaves the queue with the current entry and joins again at the back. A marked deletion goes first:
     * joining meanwhile would keep the actor, and the cluster, busy while the successor waits.
     *
     * @return a future that completes once this side joined again, or tried to
     */
    private CompletableFuture<Void> rejoin(boolean mayHandOver) {
        watchId++;
        CompletableFuture<Void> left = leave(mayHandOver);
        if (left.isDone()) {
            step();
            return left;
        }
        return left.thenCompose(deleted -> actor.submit(() -> {
            step();
            return null;
        }));
    }

    /**
     * Gives up the current entry, to be deleted by {@link GivenUp}. Its own watch is withdrawn first, so
     * the deletion notifies the successor only (the herd figure counts one notification per change).
     *
     * @param mayHandOver whether the deletion may be marked as a handover if the entry led; the caller has
     *     ended its term
     * @return a future that completes once a marked deletion was tried; complete at once otherwise
     */
    private CompletableFuture<Void> leave(boolean mayHandOver) {
        CompletableFuture<Void> left = CompletableFuture.completedFuture(null);
        if (self == null) {
            return left;
        }
        Entry given = self;
        Term led = selfTerm;
        forgetSelf(); // first: its watch must be silent before the deletion, which may follow at once
        if (led != null && mayHandOver) {
            left = givenUp.handOver(given, led);
        } else {
            givenUp.add(given);
        }
        return left;
    }

    /** Drops the current entry without deleting it, withdrawing the watch on it. */
    private void forgetSelf() {
        if (own != null) {
            own.handle.cancel();
            own = null;
        }
        self = null;
        selfTerm = null;
    }

    private boolean endTerm(Term t, RevocationReason reason) {
        return endTerm(t, reason, listeners::deliver);
    }

    /** @param deliver what delivers the revocation, once the term ended */
    private boolean endTerm(Term t, RevocationReason reason, Runnable deliver) {
        synchronized (termSignal) {
            if (t == null || !term.compareAndSet(t, null)) {
                return false;
            }
            t.end(reason, listeners);
            listeners.queueRevoked(t, reason);
        }
        deliver.run();
        log.info("{} no longer leads '{}' (token {}): {}", participantId(), name, t.fencingToken(), reason);
        return true;
    }

    /**
     * What the watch on the predecessor runs. On the notifying thread itself, when the actor is idle: a
     * handover is taken at once, with no backend call; after any other change the read that must come
     * before a claim is sent from there, and its answer claims there too. Anything else queues on the actor
     * and steps, as ever. Each saves the thread hand-offs that a successor would otherwise wait through.
     */
    private Consumer<Change> predecessorWatch(long id) {
        return change -> {
            boolean handedOver = change == Change.HANDED_OVER;
            if (actor.runIfIdle(() -> {
                if (id == watchId && state == State.RUNNING && !(handedOver ? tookOver() : readAhead(id))) {
                    wake(id, this::step);
                }
            })) {
                return;
            }
            wake(id, () -> {
                if (!handedOver || !tookOver()) {
                    step();
                }
            });
        };
    }

    /**
     * Sends the position read for a candidate whose predecessor changed, without waiting. Its answer claims
     * if we are first and nothing changed meanwhile (watch id, entry, own watch, session); else we step.
     *
     * @return false if the read cannot be sent ahead, and the caller must step
     */
    private boolean readAhead(long id) {
        long epoch = liveness.epoch();
        Entry me = self;
        if (!mayClaimWith(me, epoch)) {
            return false;
        }
        CompletableFuture<Position> read = backend.position(me).toCompletableFuture();
        Duration limit = coordinator.operationTimeout(); // on the coordinator's timer: orTimeout's thread would wake per read
        Runnable cancelTimeout = coordinator.schedule(() -> read.completeExceptionally(new TimeoutException("no answer within " + limit)), limit);
        read.whenComplete((position, error) -> {
            cancelTimeout.run();
            Runnable decide = () -> {
                if (id != watchId || state != State.RUNNING) {
                    return; // outdated
                }
                if (error == null && position.present() && position.predecessor().isEmpty() && self == me && mayClaimWith(me, epoch)) {
                    claim(me, epoch);
                } else {
                    wake(id, this::step);
                }
            };
            if (!actor.runIfIdle(decide)) {
                actor.execute(decide);
            }
        });
        return true;
    }

    /** Whether a waiting candidate may claim with {@code me} now, short of knowing it is first. */
    private boolean mayClaimWith(Entry me, long epoch) {
        return term.get() == null && me != null && self == me && own != null && givenUp.isEmpty() && epoch != 0 && me.owner() == epoch
                && liveness.isValid(epoch);
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

    private void ensureOpen() {
        if (state == State.CLOSED) {
            throw new ElectionClosedException("election '" + name + "' of " + participantId() + " is closed");
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
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

    /** The watch on our own entry; it acts only while it is still the current one. */
    private final class OwnWatch implements Consumer<Change> {
        private final Entry entry;
        /** Set on the actor right after the watch is left, before the actor can run this watch's task. */
        private Watch handle;

        OwnWatch(Entry entry) {
            this.entry = entry;
        }

        @Override
        public void accept(Change change) {
            // A term of this entry ends here and now, on the notifying thread: the successor heard of the same
            // change, and the head start it leaves us must not go on a thread hand-off.
            Term t = term.get();
            boolean ended = t != null && t.fencingToken() == entry.token() && state == State.RUNNING && endTerm(t, RevocationReason.ENTRY_DELETED);
            if (ended) {
                log.warn("{}'s entry in '{}' was deleted or changed from outside; stepped down", participantId(), name);
            }
            actor.execute(() -> {
                if (own == this && state == State.RUNNING) {
                    own = null; // it fired: nothing to withdraw
                    if (ended) {
                        rejoin(true); // a fresh entry, so the next term cannot reuse this token
                    } else {
                        ownEntryChanged();
                    }
                }
            });
        }
    }

    @Override
    public String toString() {
        return "Election{name=" + name + ", participant=" + participantId() + ", state=" + state + ", leader=" + isLeader() + "}";
    }
}
