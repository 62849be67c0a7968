package dev.elector;

/**
 * Time and timers as a coordinator sees them: by default {@link System#nanoTime()} and the coordinator's
 * own timer thread. A test hands one that moves only when it says ({@link CoordinatorOptions.Builder#clock}),
 * so that deadlines, renewals and retries happen without waiting; {@code elector-test}'s {@code ManualClock}
 * is one. Every deadline of leadership and every timer of the coordinator go through it.
 */
public interface Clock {
    /**
     * The monotonic time.
     *
     * @return nanoseconds, comparable only by difference
     */
    long nanoTime();

    /**
     * Runs {@code task} once, {@code delayNanos} from now, on the clock's own thread.
     *
     * @param task what to run; it must not block
     * @param delayNanos how long from now
     * @return what cancels the task if it has not run; nothing happens once the clock is closed
     */
    Runnable schedule(Runnable task, long delayNanos);
}
