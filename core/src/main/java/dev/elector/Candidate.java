package dev.elector;

import dev.elector.Election.State;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.Watch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
final class Candidate extends Member {
    private static final Logger log = LoggerFactory.getLogger(Candidate.class);

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
    /** Id of the newest position read; an answer to an older one is outdated. */
    private long reads;

    Candidate(DefaultCoordinator coordinator, String name, ElectionOptions options) {
        super(coordinator, name, options);
    }

    @Override
    Term term() {
        return term;
    }

    @Override
    CompletableFuture<Boolean> resign() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        actor.execute(() -> {
            if (state != State.RUNNING || term == null) {
                done.complete(false);
            } else {
                leave(RevocationReason.RESIGNED).thenRun(() -> done.complete(true));
            }
        });
        return done;
    }

    /** Closing: the entry goes now, so the successor takes over at once instead of after a session timeout. */
    @Override
    CompletableFuture<Void> leave() {
        Entry earlier = stale;
        stale = null;
        return leave(RevocationReason.CLOSED).thenCompose(left -> earlier == null ? CompletableFuture.<Void>completedFuture(null) : delete(earlier));
    }

    /**
     * The deadline passed with no newer renewal: a leader steps down; a waiting candidate keeps its place.
     * Like every loss, it ends the term at once, on the thread that noticed it; the actor does the rest.
     */
    @Override
    void deadlinePassed() {
        endNow(RevocationReason.DEADLINE_PASSED);
        actor.execute(() -> {
            if (term != null) {
                leave(RevocationReason.DEADLINE_PASSED); // a fresh entry, so the next term cannot reuse this token
            }
        });
    }

    /** The session changed: the old one went with every entry of ours, and its watches. */
    @Override
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
     * steps again ({@link Member#sessionValid}).
     */
    @Override
    void step() {
        long epoch = liveness.epoch();
        if (state != State.RUNNING || busy || leaving || !liveness.isValid(epoch)) {
            return; // what is in flight steps again, as does the next acknowledged renewal
        }
        if (stale != null) {
            Entry given = stale;
            call("delete its old entry", given.owner() == epoch ? delete(given) : CompletableFuture.completedFuture(null), (ok, error) -> {
                if (stale == given && error == null) {
                    stale = null;
                }
            });
        } else if (self == null) {
            call("join", backend.register(name, participantId(), options.metadata()), (entry, error) -> {
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
            call("watch its entry", backend.watch(mine.ref(), () -> ownEntryChanged(mine)), (watch, error) -> {
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
    private <T> void call(String what, CompletionStage<T> stage, BiConsumer<T, Throwable> then) {
        busy = true;
        stage.whenComplete((value, error) -> actor.execute(() -> {
            busy = false;
            then.accept(value, error);
            if (error != null) {
                failed(what, error);
                retryLater();
            } else {
                succeeded();
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
                failed("read its position", error);
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
                failed("watch its predecessor", error);
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
                        Durations.format(DefaultCoordinator.REVOCATION_WAIT));
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
     * Ends the current term, if any, on the calling thread: {@code isLeader()} is false from here on. The
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
        listeners.tell(l -> l.revoked(t, why));
        listeners.then(t::completeLost); // right behind the revocation
        signalWaiters();
        if (why == RevocationReason.ENTRY_DELETED) {
            log.warn("{}'s entry in '{}' was deleted from outside; it stepped down (token {})", participantId(), name, t.fencingToken());
        } else {
            log.info("{} no longer leads '{}' (token {}): {}", participantId(), name, t.fencingToken(), why);
        }
        return true;
    }
}
