package dev.elector;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. Each election has two of these (its
 * state machine and its listeners), so 10,000 elections cost 20,000 small queues and no threads.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            queue.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    /** Runs {@code task} in turn and hands its result, or its exception, to the returned future. */
    <T> CompletableFuture<T> submit(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private void schedule() {
        try {
            pool.execute(this::runOne);
        } catch (RejectedExecutionException e) {
            // The pool is shut down: the coordinator is closed, and nothing queued can matter any more.
            synchronized (this) {
                queue.clear();
                scheduled = false;
            }
        }
    }

    /** One task per pool turn, so one busy election cannot starve the others sharing the pool. */
    private void runOne() {
        Runnable task;
        synchronized (this) {
            task = queue.poll();
        }
        try {
            if (task != null) {
                task.run();
            }
        } catch (Throwable t) {
            log.error("Task failed on a serial executor; later tasks still run", t);
        } finally {
            boolean more;
            synchronized (this) {
                more = !queue.isEmpty();
                scheduled = more;
            }
            if (more) {
                schedule();
            }
        }
    }
}
