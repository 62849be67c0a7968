package dev.elector;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one election and the serial executor they run on: in order, never under a lock, never
 * inside a task of the election's actor. The {@link Leadership#lost()} stage of its terms completes here too.
 * Events are queued under the election's lock, in the order they happened, and delivered once it is
 * released ({@link #deliver()}): on a direct executor they run on the delivering thread.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    /** Whether a listener class overrides {@code revoked}; one that does not has nothing to run on a loss. */
    private static final ClassValue<Boolean> HEARS_REVOCATION = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("revoked", Leadership.class, RevocationReason.class).getDeclaringClass() != ElectionListener.class;
            } catch (NoSuchMethodException e) {
                return true;
            }
        }
    };

    private final String election;
    private final SerialExecutor executor;
    private final SerialExecutor actor;
    private final Executor pool;
    private final boolean onUsersExecutor;
    private final Runnable flush;
    private final List<ElectionListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param chosen the user's executor for listeners, if any
     * @param pool Elector's listener threads, for when none was chosen
     * @param actor the election's actor: a listener it would run could wait for the actor's next task
     */
    Listeners(String election, Optional<Executor> chosen, Executor pool, SerialExecutor actor) {
        this.election = election;
        this.pool = pool;
        this.onUsersExecutor = chosen.isPresent();
        this.executor = new SerialExecutor(chosen.<Executor>map(users -> task -> {
            try {
                users.execute(task);
            } catch (RuntimeException e) {
                // Dropping the task would lose events, and a lost() handler would never hear of the loss.
                log.error("The listener executor of '{}' refused a task ({}); it runs on Elector's listener threads", election, e.toString());
                pool.execute(task);
            }
        }).orElse(pool));
        this.actor = actor;
        this.flush = this.executor::flush;
    }

    /**
     * Whether listeners run on an executor the user chose, which may be a backend's own thread: work queued
     * behind them must not wait for the backend there.
     */
    boolean onUsersExecutor() {
        return onUsersExecutor;
    }

    void add(ElectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(ElectionListener listener) {
        listeners.remove(listener);
    }

    /** Queues an event for every listener, in order, and delivers it; one that throws harms none of the others. */
    void tell(Consumer<ElectionListener> event) {
        queue(event);
        deliver();
    }

    /** Queues an event for every listener, to go out at the next {@link #deliver()}. */
    void queue(Consumer<ElectionListener> event) {
        queueTask(() -> {
            for (ElectionListener listener : listeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    log.error("A listener of '{}' threw; the others still run", election, e);
                }
            }
        });
    }

    /** Queues the revocation of a term for the listeners that hear revocations; none queues nothing. */
    void queueRevoked(Term t, RevocationReason reason) {
        if (hearRevocation()) {
            queue(l -> l.revoked(t, reason));
        }
    }

    /** Queues {@code task} to run on the listeners' executor after every event queued so far. */
    void queueTask(Runnable task) {
        executor.queue(task);
    }

    /** Queues {@code task} behind every event queued so far, and delivers. */
    void execute(Runnable task) {
        queueTask(task);
        deliver();
    }

    /**
     * Like {@link #deliver()}, for a caller that may hold a lock that is not Elector's, or be Elector's
     * timer: listeners on the user's executor, maybe a direct one, are started from Elector's listener
     * threads instead.
     */
    void deliverFromOwnThreads() {
        if (onUsersExecutor) {
            try {
                pool.execute(flush);
            } catch (RejectedExecutionException e) {
                // the coordinator is closing
            }
        } else {
            deliver();
        }
    }

    /**
     * Starts what is queued; inside a task of the actor, once that task is over, as a listener on a direct
     * executor may call back into the election and wait for the actor. Call it outside any lock.
     */
    void deliver() {
        if (actor.runsOnCurrentThread()) {
            actor.afterTask(flush);
        } else {
            executor.flush();
        }
    }

    /** Whether the calling thread is running a listener: it must not wait for events queued behind it. */
    boolean onOwnThread() {
        return executor.runsOnCurrentThread();
    }

    /** Whether the end of {@code ended} has nothing to run here: no listener hears revocations, no handler awaited its loss. */
    boolean quietOn(Term ended) {
        return ended.nothingAwaitedLoss() && !hearRevocation();
    }

    private boolean hearRevocation() {
        return listeners.stream().anyMatch(l -> HEARS_REVOCATION.get(l.getClass()));
    }
}
