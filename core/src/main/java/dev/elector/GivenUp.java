package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries a candidate gave up, until they are deleted. Confined to the candidate's actor, except the
 * marked deletion of a led entry, which touches nothing here until it fails.
 */
final class GivenUp {
    private static final Logger log = LoggerFactory.getLogger(GivenUp.class);
    /**
     * How long a leader giving way waits for its revocation listeners before it deletes its entry marked as
     * a handover: enough for listeners that only tell work to stop. Slower ones get the deletion unmarked, and
     * the successor reads first, as after any other deletion.
     */
    private static final Duration REVOCATION_WAIT = Duration.ofSeconds(1);

    private final DefaultCoordinator coordinator;
    private final Backend backend;
    private final Liveness liveness;
    private final Listeners listeners;
    private final SerialExecutor actor;
    private final String who;
    private final Runnable retry;
    private final Executor deleteFromListeners;
    private final List<Entry> stale = new ArrayList<>();

    /**
     * @param who the election and participant, for the log
     * @param retry what the actor runs after a failed deletion, to try again later
     */
    GivenUp(DefaultCoordinator coordinator, Listeners listeners, SerialExecutor actor, String who, Runnable retry) {
        this.coordinator = coordinator;
        this.backend = coordinator.backend();
        this.liveness = coordinator.liveness();
        this.listeners = listeners;
        this.actor = actor;
        this.who = who;
        this.retry = retry;
        // A deletion waiting for the listeners runs on their thread once they are done, if it is Elector's.
        this.deleteFromListeners = listeners.onUsersExecutor() ? coordinator.workers() : Runnable::run;
    }

    /** Whether every entry given up is deleted, or under way. */
    boolean isEmpty() {
        return stale.isEmpty();
    }

    /** Gives up an entry that never led, or whose deletion may not be marked; {@link #purge} deletes it. */
    void add(Entry entry) {
        stale.add(entry);
    }

    /** Deletes the entries given up; those of an earlier session are already gone with it. */
    void purge(long epoch) {
        for (Iterator<Entry> it = stale.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.owner() == epoch) {
                backend.delete(entry, false);
            }
            it.remove();
        }
    }

    /**
     * Deletes the entry of a term that ended, marked as a handover, once the election's listener tasks
     * queued so far have run, its revocation among them: a successor told of a handover claims at once and
     * must not lead while revoked() or lost() handlers still run here. At once if they have nothing to run.
     * The actor does not wait meanwhile, so a listener may call back into the election.
     *
     * @return a future that completes once the deletion was tried
     */
    CompletableFuture<Void> handOver(Entry led, Term ended) {
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        if (listeners.quietOn(ended)) {
            delete(led, true, deleted);
            return deleted;
        }
        AtomicBoolean started = new AtomicBoolean();
        Runnable cancelTimeout = coordinator.schedule(() -> {
            if (started.compareAndSet(false, true)) {
                log.info("The revocation listeners of {} took over {}; it gives way unmarked", who, REVOCATION_WAIT);
                actor.execute(() -> delete(led, false, deleted));
            }
        }, REVOCATION_WAIT);
        // Right behind the revocation, on the listeners' own thread: one thread hand-off fewer before the
        // successor hears.
        listeners.execute(() -> {
            if (started.compareAndSet(false, true)) {
                cancelTimeout.run();
                deleteFromListeners.execute(() -> delete(led, true, deleted));
            }
        });
        return deleted;
    }

    private void delete(Entry led, boolean marked, CompletableFuture<Void> deleted) {
        try {
            if (led.owner() == liveness.epoch()) {
                backend.delete(led, marked);
            }
            deleted.complete(null);
        } catch (RuntimeException e) {
            log.warn("Could not delete the entry of {}; retrying: {}", who, e.toString());
            actor.execute(() -> {
                stale.add(led);
                retry.run();
                deleted.complete(null);
            });
        }
    }
}
