package dev.elector;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one election and the serial executor they run on: in order, never under a lock, never
 * on a backend's thread. The {@link Leadership#lost()} stage of its terms completes here too.
 */
final class Listeners implements Executor {
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
    private final List<ElectionListener> listeners = new CopyOnWriteArrayList<>();

    Listeners(String election, Executor pool) {
        this.election = election;
        this.executor = new SerialExecutor(pool);
    }

    void add(ElectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(ElectionListener listener) {
        listeners.remove(listener);
    }

    /** Queues an event for every listener, in order; one that throws harms none of the others. */
    void tell(Consumer<ElectionListener> event) {
        executor.execute(() -> {
            for (ElectionListener listener : listeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    log.error("A listener of '{}' threw; the others still run", election, e);
                }
            }
        });
    }

    /** Queues the revocation of a term for the listeners that hear revocations; none wakes no thread. */
    void revoked(Term t, RevocationReason reason) {
        if (hearRevocation()) {
            tell(l -> l.revoked(t, reason));
        }
    }

    /** Runs {@code task} on the listeners' thread, after every event queued so far. */
    @Override
    public void execute(Runnable task) {
        executor.execute(task);
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
