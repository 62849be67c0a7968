package dev.elector.test;

import dev.elector.Clock;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A clock that moves only when the test says: hand it to {@link dev.elector.CoordinatorOptions.Builder#clock}
 * (the {@code IN_MEMORY} tier of {@link ElectorCluster} does), and a session timeout passes in a call to
 * {@link #advance}. Deadlines, renewals and retries that fall due run on the calling thread, in order.
 */
public final class ManualClock implements Clock {
    private record Task(long due, long seq, Runnable run) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;

    /** A clock at an arbitrary start, which only {@link #advance} and {@link #jump} move. */
    public ManualClock() {
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Runnable schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + delayNanos, seq++, task);
        tasks.add(t);
        return () -> {
            synchronized (this) {
                tasks.remove(t);
            }
        };
    }

    /**
     * Moves time forward, running every task that falls due, in order, each at its own time.
     *
     * @param by how far
     */
    public void advance(Duration by) {
        long target;
        synchronized (this) {
            target = now + by.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due - target > 0) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
            }
            next.run.run();
        }
    }

    /**
     * Moves time forward without running anything, as a process that was paused (a long GC pause) and
     * resumed sees it: what fell due runs at the next {@link #advance}.
     *
     * @param by how far
     */
    public synchronized void jump(Duration by) {
        now += by.toNanos();
    }
}
