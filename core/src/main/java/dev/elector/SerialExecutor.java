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

    /** The executor whose {@link #run} loop this thread is in, and one whose direct pool handed it a turn. */
    private static final ThreadLocal<SerialExecutor> DRAINING = new ThreadLocal<>();
    private static final ThreadLocal<SerialExecutor> TURN = new ThreadLocal<>();

    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean scheduled;
    /** The thread running a task right now, if any. */
    private volatile Thread running;
    /** What the running task asked to run after it; touched only by the thread running a task. */
    private Runnable after;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        queue(task);
        flush();
    }

    /**
     * Adds {@code task} in turn without starting it: for a caller holding a lock, which must not run tasks
     * on a direct pool. {@link #flush()} starts it.
     */
    void queue(Runnable task) {
        synchronized (this) {
            queue.add(task);
        }
    }

    /** Starts the queued tasks unless they are running already; on a direct pool they run here and now. */
    void flush() {
        synchronized (this) {
            if (scheduled || queue.isEmpty()) {
                return;
            }
            scheduled = true;
        }
        if (schedule()) {
            run(poll());
        }
    }

    /**
     * Runs {@code hook} on this thread once the task running on it now has finished and the executor is
     * free again: for work that must not run inside a task, such as a listener that may wait for a later
     * task. The same hook asked for twice runs once.
     *
     * @throws IllegalStateException if no task of this executor runs on the calling thread
     */
    void afterTask(Runnable hook) {
        if (!runsOnCurrentThread()) {
            throw new IllegalStateException("no task of this executor runs on " + Thread.currentThread().getName());
        }
        after = chain(after, hook);
    }

    /**
     * Whether the calling thread is running one of this executor's tasks: a task that waits for a later task
     * of the same executor would wait for itself.
     */
    boolean runsOnCurrentThread() {
        return running == Thread.currentThread();
    }

    /** @return whether a direct pool handed the turn back to this thread's {@link #run} loop, which takes it */
    private boolean schedule() {
        try {
            pool.execute(this::runOne);
        } catch (RejectedExecutionException e) {
            // The pool is shut down: the coordinator is closed, and nothing queued can matter any more.
            synchronized (this) {
                queue.clear();
                scheduled = false;
            }
            return false;
        }
        if (TURN.get() == this) {
            TURN.remove();
            return true;
        }
        return false;
    }

    /** Runs {@code task} in turn and hands its result, or its exception, to the returned future. */
    <T> CompletableFuture<T> submit(Supplier<T> task) {
        return submit(task, false);
    }

    /**
     * Like {@link #submit}, but runs {@code task} on the calling thread at once if no task is running or
     * queued: for a caller that would only block until it ran, and whose task may block.
     */
    <T> CompletableFuture<T> submitHereIfIdle(Supplier<T> task) {
        return submit(task, true);
    }

    private <T> CompletableFuture<T> submit(Supplier<T> task, boolean here) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable run = () -> {
            try {
                result.complete(task.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        };
        if (!here || !runIfIdle(run)) {
            execute(run);
        }
        return result;
    }

    /**
     * Runs {@code task} on the calling thread at once if no task is running or queued, in turn as any other.
     *
     * @return whether it ran; if not, nothing was queued
     */
    boolean runIfIdle(Runnable task) {
        synchronized (this) {
            if (scheduled) {
                return false;
            }
            scheduled = true;
        }
        run(task);
        return true;
    }

    /**
     * One task per pool turn, so one busy election cannot starve the others sharing the pool. A direct pool
     * calls this back from inside {@link #run} on the same thread: that turn is handed back to the loop
     * there, as recursing would grow the stack with every task queued behind a slow one.
     */
    private void runOne() {
        if (DRAINING.get() == this) {
            TURN.set(this);
            return;
        }
        run(poll());
    }

    private synchronized Runnable poll() {
        return queue.poll();
    }

    private void run(Runnable task) {
        SerialExecutor outer = DRAINING.get();
        DRAINING.set(this);
        Runnable hooks = null; // while a direct pool hands turns back, hooks wait until this thread lets go
        try {
            Runnable next = task;
            while (true) {
                running = Thread.currentThread();
                try {
                    if (next != null) {
                        next.run();
                    }
                } catch (Throwable t) {
                    log.error("Task failed on a serial executor; later tasks still run", t);
                }
                Runnable then = after;
                after = null;
                running = null;
                boolean more;
                synchronized (this) {
                    more = !queue.isEmpty();
                    scheduled = more;
                }
                boolean turnHere = more && schedule();
                hooks = chain(hooks, then);
                if (!turnHere) {
                    break;
                }
                next = poll();
            }
        } finally {
            if (outer == null) {
                DRAINING.remove();
            } else {
                DRAINING.set(outer);
            }
        }
        if (hooks != null) {
            hooks.run();
        }
    }

    private static Runnable chain(Runnable first, Runnable second) {
        if (first == null || first == second) {
            return second == null ? first : second;
        }
        return second == null ? first : () -> {
            first.run();
            second.run();
        };
    }
}
