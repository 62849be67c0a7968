package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.Watch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The backend as elections see it: at most {@link Backend#maxCallsInFlight()} calls of one coordinator in flight, the rest
 * sent in order as answers come back. Calls still pipeline, but 10,000 elections joining at once do not
 * put 40,000 requests on the server in one burst: etcd refuses proposals beyond 5,000 committed and not
 * yet applied ("too many requests"), and calls that time out in a queue on the server are retried, which
 * only adds to the queue. Renewals never wait here: they go straight to the backend.
 */
final class WindowedBackend implements Backend {
    private final Backend backend;
    private final int size;
    /** Where a call that waited is sent from: never from inside the answer that freed its slot. */
    private final Executor sender;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int inFlight;

    WindowedBackend(Backend backend, Executor sender) {
        this.backend = backend;
        this.size = Math.max(1, backend.maxCallsInFlight());
        this.sender = sender;
    }

    @Override
    public Duration sessionTimeout() {
        return backend.sessionTimeout();
    }

    @Override
    public long epoch() {
        return backend.epoch();
    }

    @Override
    public int maxCallsInFlight() {
        return size;
    }

    @Override
    public CompletionStage<Void> renew() {
        return backend.renew();
    }

    @Override
    public CompletionStage<Entry> register(String election, String participantId, String metadata) {
        return send(() -> backend.register(election, participantId, metadata));
    }

    @Override
    public CompletionStage<Position> position(Entry self) {
        return send(() -> backend.position(self));
    }

    @Override
    public CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange) {
        return send(() -> backend.watch(entry, onChange));
    }

    @Override
    public CompletionStage<List<Entry>> entries(String election, Runnable onChange) {
        return send(() -> backend.entries(election, onChange));
    }

    @Override
    public CompletionStage<Void> delete(Entry own) {
        return send(() -> backend.delete(own));
    }

    @Override
    public void close() {
        backend.close();
    }

    private <T> CompletionStage<T> send(Supplier<CompletionStage<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletionStage<T> stage;
            try {
                stage = call.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((value, error) -> {
                release();
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(error);
                }
            });
        };
        boolean now;
        synchronized (this) {
            now = inFlight < size;
            if (now) {
                inFlight++;
            } else {
                waiting.add(start);
            }
        }
        if (now) {
            start.run();
        }
        return result;
    }

    /** Frees a slot, or hands it straight to the oldest call waiting. */
    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
                return;
            }
        }
        try {
            sender.execute(next);
        } catch (RejectedExecutionException e) {
            next.run(); // closing: send it here, so its caller still hears an answer
        }
    }
}
