package dev.elector;

import dev.elector.Election.State;
import dev.elector.spi.Backend;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every participant of an election has, candidate or observer: its life (new, running, closed), its
 * state machine {@link #actor}, a serial executor on which every decision runs, and its listeners.
 */
abstract class Member {
    private static final Logger log = LoggerFactory.getLogger(Member.class);

    final DefaultCoordinator coordinator;
    final Backend backend;
    final Liveness liveness;
    final String name;
    final ElectionOptions options;
    final SerialExecutor actor;
    final Listeners<ElectionListener> listeners;
    private final Object signal = new Object();
    volatile State state = State.NEW;
    // Confined to the actor.
    private boolean retryPending;
    /** The failure last logged at WARN, so a refusal that repeats at every retry is logged once, not every retry delay. */
    private String lastWarned;

    Member(DefaultCoordinator coordinator, String name, ElectionOptions options) {
        this.coordinator = coordinator;
        this.backend = coordinator.backend();
        this.liveness = coordinator.liveness();
        this.name = name;
        this.options = options;
        this.actor = new SerialExecutor(coordinator.workers());
        this.listeners = new Listeners<>("'" + name + "'", new SerialExecutor(coordinator.listenerPool(options.listenerExecutor())));
    }

    String participantId() {
        return options.participantId();
    }

    /** Notified whenever a term starts or ends and when the election closes; {@code awaitLeadership} waits on it. */
    Object signal() {
        return signal;
    }

    /** The current term, ended or not; null while this participant does not lead. */
    Term term() {
        return null;
    }

    /**
     * Re-evaluates the election on the actor: safe to run any number of times. Called on start, after each
     * answer, on every retry and whenever the session becomes valid again.
     */
    abstract void step();

    /** On the actor, when the election closes while running: gives up what it holds. */
    abstract CompletableFuture<Void> leave();

    /** See {@link Election#resignAsync()}. */
    CompletableFuture<Boolean> resign() {
        return CompletableFuture.completedFuture(false);
    }

    /** The deadline passed with no newer renewal. */
    void deadlinePassed() {
    }

    /** A renewal was acknowledged after a time without a valid session: what waited for one goes on. */
    final void sessionValid() {
        actor.execute(this::step);
    }

    /** The session changed: the old one went with every entry of ours, and its watches. */
    void sessionChanged(long epoch) {
        actor.execute(this::step);
    }

    /** @throws IllegalStateException if it was started before */
    final void start() {
        synchronized (signal) {
            if (state == State.CLOSED) {
                throw new ElectionClosedException("election '" + name + "' of " + participantId() + " is closed");
            }
            if (state == State.RUNNING) {
                throw new IllegalStateException("election '" + name + "' of " + participantId() + " was already started");
            }
            state = State.RUNNING;
        }
        actor.execute(this::step);
    }

    /** See {@link Election#closeAsync()}. */
    final CompletableFuture<Void> close() {
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
        actor.execute(() -> leave().whenComplete((ok, error) -> {
            coordinator.forget(this);
            closed.complete(null);
        }));
        return closed;
    }

    final void signalWaiters() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Steps again after the coordinator's retry delay; one retry at a time. */
    final void retryLater() {
        if (retryPending || state != State.RUNNING) {
            return;
        }
        retryPending = true;
        coordinator.schedule(() -> actor.execute(() -> {
            retryPending = false;
            step();
        }), coordinator.retryDelay());
    }

    /** On the actor, after a call succeeded: the next failure is news again. */
    final void succeeded() {
        lastWarned = null;
    }

    /** Logs a failed call; quietly while the session is not valid, as then every call fails and its loss is logged once. */
    final void failed(String what, Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String text = what + ": " + t.getMessage();
        if (liveness.isValid(liveness.epoch()) && !text.equals(lastWarned)) {
            lastWarned = text;
            log.warn("{} in '{}' could not {}: {}; retrying", participantId(), name, what, t.getMessage());
        } else if (liveness.isValid(liveness.epoch())) {
            log.debug("{} in '{}' could not {} again: {}; retrying", participantId(), name, what, t.getMessage());
        } else {
            log.debug("{} in '{}' could not {}: {}; waiting for the session", participantId(), name, what, t.getMessage());
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{name=" + name + ", participant=" + participantId() + ", state=" + state + "}";
    }
}
