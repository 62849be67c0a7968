package dev.elector;

/**
 * Time and timers as core sees them: {@link System#nanoTime()} and the coordinator's timer thread, or a
 * test's clock that moves only when the test says, so state-machine tests drive deadlines without waiting.
 */
interface Clock {
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
