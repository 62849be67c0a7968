package dev.elector;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one election, or of one coordinator's connection, and the serial executor they run on:
 * in order, never under a lock, never on the election's state machine.
 *
 * @param <L> the listener type
 */
final class Listeners<L> {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final String owner;
    private final SerialExecutor executor;
    private final List<L> listeners = new CopyOnWriteArrayList<>();

    /** @param owner what the listeners listen to, for the log, e.g. {@code 'nightly-report'} */
    Listeners(String owner, SerialExecutor executor) {
        this.owner = owner;
        this.executor = executor;
    }

    void add(L listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(L listener) {
        listeners.remove(listener);
    }

    /** Tells every listener of an event, in turn; one that throws harms none of the others. */
    void tell(Consumer<L> event) {
        executor.execute(() -> {
            for (L listener : listeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    log.error("A listener of {} threw; the others still run", owner, e);
                }
            }
        });
    }

    /** Runs {@code task} behind everything told so far, such as a term's {@link Leadership#lost()} stage. */
    void then(Runnable task) {
        executor.execute(task);
    }

    /**
     * A stage that completes once everything told so far has run.
     *
     * @return the stage
     */
    CompletableFuture<Void> drained() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        then(() -> done.complete(null));
        return done;
    }
}
