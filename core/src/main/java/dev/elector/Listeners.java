package dev.elector;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one election and the serial executor they run on: in order, never under a lock, never
 * on the election's state machine. The {@link Leadership#lost()} stages of its terms complete here too,
 * right behind the revocation.
 */
final class Listeners {
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final String election;
    private final SerialExecutor executor;
    private final List<ElectionListener> listeners = new CopyOnWriteArrayList<>();

    Listeners(String election, SerialExecutor executor) {
        this.election = election;
        this.executor = executor;
    }

    void add(ElectionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(ElectionListener listener) {
        listeners.remove(listener);
    }

    /** Tells every listener of an event, in turn; one that throws harms none of the others. */
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

    /** Tells of a term's end, then completes its {@link Leadership#lost()} stage. */
    void revoked(Term term, RevocationReason reason) {
        tell(l -> l.revoked(term, reason));
        executor.execute(term::completeLost);
    }

    /**
     * A stage that completes once everything told so far has run.
     *
     * @return the stage
     */
    CompletableFuture<Void> drained() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> done.complete(null));
        return done;
    }
}
