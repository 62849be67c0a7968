package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one election algorithm: lowest entry wins, each candidate watches only its predecessor. Every
 * decision runs on {@link #actor}, a serial executor, so the state below needs no lock. The backend is
 * asynchronous, so no task of the actor waits: each call's answer comes back to the actor as a new task,
 * which first checks that the state it was asked for still holds.
 *
 * <p>One change of leader: the predecessor's entry is deleted, its watch fires ({@link #read}), the
 * candidate reads its position once, and claims if its own entry is still there and first ({@link #claim}).
 * A leader giving way ends its term, lets its listeners hear of it, then deletes its entry ({@link #leave}).
 */
final class Candidate implements Election {
    private static final Logger log = LoggerFactory.getLogger(Candidate.class);

    private final DefaultCoordinator coordinator;
    private final Backend backend;
    private final Liveness liveness;
    private final String name;
    private final ElectionOptions options;
    private final SerialExecutor actor;
    private final Listeners listeners;
    private final Object signal = new Object();
    private volatile State state = State.NEW;
    /** The current term, set and cleared on the actor; read anywhere. */
    private volatile Term term;

    // Confined to the actor.
    /** Our entry in the queue, from its registration until it is given up. */
    private Entry self;
    private Watch ownWatch;
    private Watch predecessorWatch;
    /** An entry given up whose deletion is still to be done: no new entry joins before it is gone. */
    private Entry stale;
    /** A register, own watch or deletion is in flight; its answer steps again. */
    private boolean busy;
    /** A leader giving way waits for its listeners: nothing joins meanwhile. */
    private boolean leaving;
    /** Id of the newest position read or observation; an answer to an older one is outdated. */
    private long reads;
    private boolean retryPending;
    private Optional<String> observedHead;

    Candidate(DefaultCoordinator coordinator, String name, ElectionOptions options) {
        this.coordinator = coordinator;
        this.backend = coordinator.backend();
        this.liveness = coordinator.liveness();
        this.name = name;
        this.options = options;
        this.actor = new SerialExecutor(coordinator.workers());
        this.listeners = new Listeners(name, new SerialExecutor(coordinator.listenerPool(options.listenerExecutor())));
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
    public ElectionOptions options() {
        return options;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public Duration termValidity() {
        return coordinator.termValidity();
    }

    @Override
    public Election start() {
        synchronized (signal) {
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
        Term t = term;
        return t != null && t.isValid();
    }

    @Override
    public Optional<Leadership> leadership() {
        return Optional.<Leadership>ofNullable(term).filter(Leadership::isValid);
    }

    @Override
    public Leadership awaitLeadership(Duration timeout) throws InterruptedException {
        long wait = Checks.saturatedNanos("timeout", timeout);
        if (options.observer()) {
            throw new IllegalStateException("election '" + name + "': an observer never leads");
        }
        if (state == State.NEW) {
            throw new IllegalStateException("election '" + name + "' is not started: call start() first");
        }
        long start = System.nanoTime();
        synchronized (signal) {
            while (true) {
                if (state == State.CLOSED) {
                    throw new ElectionClosedException("election '" + name + "' of " + participantId() + " is closed");
                }
                Term t = term;
                if (t != null && t.isValid()) {
                    return t;
                }
                long left = wait - (System.nanoTime() - start);
                if (left <= 0) {
                    throw new ElectionTimeoutException(participantId() + " did not become leader of '" + name + "' within " + timeout);
                }
                // Bounded, so that a term whose deadline passes while we wait is not waited for.
                TimeUnit.NANOSECONDS.timedWait(signal, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
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
        return coordinator.await(backend.entries(name, null), "list the candidates of '" + name + "'").stream().map(Entry::toParticipant).toList();
    }

    @Override
    public boolean resign() {
        return coordinator.await(resignAsync(), "resign from '" + name + "'");
    }

    @Override
    public CompletionStage<Boolean> resignAsync() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        actor.execute(() -> {
            if (state != State.RUNNING || term == null) {
                done.complete(false);
            } else {
                leave(RevocationReason.RESIGNED).thenRun(() -> done.complete(true));
            }
        });
        return done.minimalCompletionStage();
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
        try {
            coordinator.await(closeAsync(), "close '" + name + "'");
        } catch (ElectionException e) {
            log.warn("Closing '{}' of {} did not finish: {}; its entry goes when the session ends", name, participantId(), e.getMessage());
        }
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        State before;
        synchronized (signal) {
            before = state;
            state = State.CLOSED;
            signal.notifyAll();
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        if (before != State.RUNNING) {
            coordinator.forget(this);
            closed.complete(null);
            return closed;
        }
        actor.execute(() -> {
            // Deleting now lets the successor take over at once instead of after a session timeout.
            Entry earlier = stale;
            stale = null;
            leave(RevocationReason.CLOSED).thenCompose(left -> earlier == null ? CompletableFuture.<Void>completedFuture(null) : delete(earlier)).whenComplete((ok, error) -> {
                coordinator.forget(this);
                closed.complete(null);
            });
        });
        return closed.minimalCompletionStage();
    }

    /**
     * The deadline passed with no newer renewal: a leader steps down; a waiting candidate keeps its place.
     * Like every loss, it ends the term at once, on the thread that noticed it; the actor does the rest.
     */
    void deadlinePassed() {
        endNow(RevocationReason.DEADLINE_PASSED);
        actor.execute(() -> {
            if (term != null) {
                leave(RevocationReason.DEADLINE_PASSED); // a fresh entry, so the next term cannot reuse this token
            }
        });
    }

    /** A renewal was acknowledged after a time without a valid session: what waited for one goes on. */
    void sessionValid() {
        actor.execute(this::step);
    }

    /** The session changed: the old one went with every entry of ours, and its watches. */
    void sessionChanged(long epoch) {
        endNow(RevocationReason.SESSION_LOST);
        actor.execute(() -> {
            endTerm(RevocationReason.SESSION_LOST);
            if (self != null && self.owner() != epoch) {
                log.debug("{}'s entry {} went with session {}", participantId(), self.key(), Long.toHexString(self.owner()));
                forgetSelf();
            }
            if (stale != null && stale.owner() != epoch) {
                stale = null;
            }
            step();
        });
    }

    /**
     * Re-evaluates the election: the one step of the algorithm, safe to run any number of times. It does
     * the first thing still to do: delete an entry given up, join, watch our own entry, read our position.
     * A candidate does nothing without a valid session: it could not claim, and during an outage thousands
     * of elections retrying would only flood the cluster when it comes back. The next acknowledged renewal
     * steps again ({@link #sessionValid}).
     */
    private void step() {
        long epoch = liveness.epoch();
        if (state != State.RUNNING || busy || leaving || epoch == 0) {
            return; // what is in flight steps again, as does the session listener once there is a session
        }
        if (options.observer()) {
            observe();
        } else if (!liveness.isValid(epoch)) {
            return;
        } else if (stale != null) {
            Entry given = stale;
            call(given.owner() == epoch ? delete(given) : CompletableFuture.completedFuture(null), (ok, error) -> {
                if (stale == given && error == null) {
                    stale = null;
                }
            });
        } else if (self == null) {
            call(backend.register(name, participantId(), options.metadata()), (entry, error) -> {
                if (entry != null && (state != State.RUNNING || entry.owner() != liveness.epoch())) {
                    delete(entry); // joined too late: closed meanwhile, or the session went
                } else if (entry != null) {
                    self = entry;
                    log.debug("{} joined '{}' as {}", participantId(), name, entry.key());
                }
            });
        } else if (ownWatch == null) {
            // Watched from joining until given up, so that a leader hears of its entry's deletion by anyone.
            Entry mine = self;
            call(backend.watch(mine.ref(), () -> ownEntryChanged(mine)), (watch, error) -> {
                if (watch != null && watch.isPresent() && self == mine) {
                    ownWatch = watch.get();
                } else if (watch != null) {
                    watch.ifPresent(Watch::cancel);
                    if (watch.isEmpty() && self == mine) {
                        log.info("{}'s entry in '{}' is gone; joining again", participantId(), name);
                        forgetSelf();
                    }
                }
            });
        } else if (term == null) {
            read(self);
        }
    }

    /**
     * Runs one backend call of the join chain, then {@code then} on the actor with its answer, then steps
     * again; a failure retries later.
     */
    private <T> void call(CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        busy = true;
        stage.whenComplete((value, error) -> actor.execute(() -> {
            busy = false;
            then.accept(value, error);
            if (error != null) {
                // Without a valid session every call fails; its loss is logged once, by the coordinator.
                if (liveness.isValid(liveness.epoch())) {
                    log.warn("{} in '{}': {}; retrying", participantId(), name, messageOf(error));
                } else {
                    log.debug("{} in '{}': {}; waiting for the session", participantId(), name, messageOf(error));
                }
                retryLater();
            } else {
                step();
            }
        }));
    }

    /** Reads our position once, and claims if our entry is still there, ours, and first. */
    private void read(Entry mine) {
        long id = ++reads;
        cancelPredecessorWatch();
        backend.position(mine).whenComplete((position, error) -> actor.execute(() -> {
            if (id != reads || self != mine || term != null || state != State.RUNNING) {
                return; // outdated
            }
            if (error != null) {
                log.warn("{} in '{}' could not read its position: {}; retrying", participantId(), name, messageOf(error));
                retryLater();
            } else if (position instanceof Position.Behind behind) {
                watchPredecessor(id, mine, behind.predecessor());
            } else if (position instanceof Position.First) {
                if (liveness.isValid(mine.owner())) {
                    claim(mine);
                } // else claiming now could outlive the session: the next acknowledged renewal steps again
            } else {
                // Gone: never claim with it (Curator's CURATOR-696 double leader, etcd's phantom campaign #19597).
                log.info("{}'s entry in '{}' is gone; joining again", participantId(), name);
                forgetSelf();
                step();
            }
        }));
    }

    private void watchPredecessor(long id, Entry mine, EntryRef predecessor) {
        backend.watch(predecessor, () -> actor.execute(() -> {
            if (id == reads && self == mine) {
                predecessorWatch = null; // it fired
                read(mine);
            }
        })).whenComplete((watch, error) -> actor.execute(() -> {
            if (id != reads || self != mine) {
                if (watch != null) {
                    watch.ifPresent(Watch::cancel); // outdated
                }
            } else if (error != null) {
                retryLater();
            } else if (watch.isEmpty()) {
                read(mine); // it went between the two reads
            } else {
                predecessorWatch = watch.get();
            }
        }));
    }

    private void claim(Entry mine) {
        Term t = new Term(name, participantId(), mine.token(), mine.owner(), liveness);
        term = t;
        listeners.tell(l -> l.elected(t));
        signalWaiters();
        log.info("{} elected in '{}' with token {}", participantId(), name, t.fencingToken());
    }

    /**
     * Our own entry was deleted or changed, or its watch was lost. A term of it ends here and now, on the
     * notifying thread, before any re-read: the successor's watch fired too, and it needs a round trip
     * before it can claim, which a re-read here would hand it as a head start.
     */
    private void ownEntryChanged(Entry mine) {
        Term t = term;
        if (t != null && t.fencingToken() == mine.token()) {
            endNow(RevocationReason.ENTRY_DELETED);
        }
        actor.execute(() -> {
            if (self != mine) {
                return;
            }
            ownWatch = null;
            if (term != null) {
                leave(RevocationReason.ENTRY_DELETED); // a fresh entry, so the next term cannot reuse this token
            } else {
                step(); // watches it again, or finds it gone
            }
        });
    }

    private void observe() {
        long id = ++reads;
        backend.entries(name, () -> actor.execute(() -> {
            if (id == reads && state == State.RUNNING) {
                observe();
            }
        })).whenComplete((entries, error) -> actor.execute(() -> {
            if (id != reads || state != State.RUNNING) {
                return;
            }
            if (error != null) {
                retryLater();
                return;
            }
            Optional<Participant> head = entries.stream().findFirst().map(Entry::toParticipant);
            Optional<String> headKey = entries.stream().findFirst().map(Entry::key);
            if (!headKey.equals(observedHead)) {
                observedHead = headKey;
                listeners.tell(l -> l.leaderChanged(head));
            }
        }));
    }

    /**
     * Gives up our entry: ends the term, if any, lets this election's listeners hear of it (for at most
     * {@link DefaultCoordinator#REVOCATION_WAIT}), then deletes the entry, so the successor's elected() never
     * comes before our revoked() returned. A running election then joins again at the back.
     *
     * @return a stage that completes once the entry was deleted or its deletion failed
     */
    private CompletableFuture<Void> leave(RevocationReason reason) {
        boolean ended = endTerm(reason);
        Entry given = self;
        forgetSelf();
        if (given == null) {
            step();
            return CompletableFuture.completedFuture(null);
        }
        leaving = true;
        CompletableFuture<Void> heard = ended ? coordinator.within(listeners.drained(), DefaultCoordinator.REVOCATION_WAIT) : CompletableFuture.completedFuture(null);
        CompletableFuture<Void> left = new CompletableFuture<>();
        heard.whenComplete((ok, late) -> actor.execute(() -> {
            if (late != null) {
                log.warn("The listeners of '{}' of {} still run {} after its term ended; its entry goes now", name, participantId(),
                        DefaultCoordinator.REVOCATION_WAIT);
            }
            leaving = false;
            if (state == State.RUNNING) {
                stale = given; // step() deletes it, retrying until it is gone, before it joins again
                step();
                left.complete(null);
            } else {
                delete(given).whenComplete((done, error) -> left.complete(null));
            }
        }));
        return left;
    }

    private CompletableFuture<Void> delete(Entry entry) {
        return backend.delete(entry).toCompletableFuture().whenComplete((ok, error) -> {
            if (error != null && state != State.RUNNING) {
                log.warn("Could not delete the entry of {} in '{}'; it goes when the session ends: {}", participantId(), name, error.getMessage());
            }
        });
    }

    /** Drops our entry without deleting it, withdrawing the watches, so its deletion wakes no one here. */
    private void forgetSelf() {
        if (ownWatch != null) {
            ownWatch.cancel();
            ownWatch = null;
        }
        cancelPredecessorWatch();
        reads++;
        self = null;
    }

    private void cancelPredecessorWatch() {
        if (predecessorWatch != null) {
            predecessorWatch.cancel();
            predecessorWatch = null;
        }
    }

    /**
     * Ends the current term, if any, on the calling thread: {@link #isLeader()} is false from here on. The
     * first loss noticed gives the reason; the actor tells the listeners when it takes up the loss.
     */
    private void endNow(RevocationReason reason) {
        Term t = term;
        if (t != null) {
            t.end(reason);
        }
    }

    /** @return whether a term was ended */
    private boolean endTerm(RevocationReason reason) {
        Term t = term;
        if (t == null) {
            return false;
        }
        term = null;
        RevocationReason why = t.end(reason);
        listeners.revoked(t, why);
        signalWaiters();
        if (why == RevocationReason.ENTRY_DELETED) {
            log.warn("{}'s entry in '{}' was deleted from outside; it stepped down (token {})", participantId(), name, t.fencingToken());
        } else {
            log.info("{} no longer leads '{}' (token {}): {}", participantId(), name, t.fencingToken(), why);
        }
        return true;
    }

    private void signalWaiters() {
        synchronized (signal) {
            signal.notifyAll();
        }
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

    /** The message of the failure itself, without the wrapping of the stage it came through. */
    private static String messageOf(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return String.valueOf(t.getMessage());
    }

    private void ensureOpen() {
        if (state == State.CLOSED) {
            throw new ElectionClosedException("election '" + name + "' of " + participantId() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "Election{name=" + name + ", participant=" + participantId() + ", state=" + state + ", leader=" + isLeader() + "}";
    }
}
