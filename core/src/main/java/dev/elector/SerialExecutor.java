package dev.elector;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool that runs each turn on a thread of its
 * own (never on the caller's). Each election has two of these, its state machine and its listeners, so
 * 10,000 elections cost 20,000 small queues and no threads.
 */
final class SerialExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    /** Tasks per pool turn: one busy election cannot starve the others sharing the pool. */
    private static final int TURN = 64;

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

    private void schedule() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The pool is shut down: the coordinator is closed, and nothing queued can matter any more.
            synchronized (this) {
                queue.clear();
                scheduled = false;
            }
        }
    }

    private void drain() {
        for (int i = 0; i < TURN; i++) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (Throwable t) {
                log.error("A task failed on a serial executor; later tasks still run", t);
            }
        }
        schedule();
    }
}
