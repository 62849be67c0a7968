package dev.elector;

import java.time.Duration;
import java.time.Instant;

/** Hears what a {@link LeaderJob} does. Called on the job's own threads; keep it short. */
public interface JobListener {
    /**
     * A run starts.
     *
     * @param context the run
     */
    default void started(JobContext context) {
    }

    /**
     * A run ended.
     *
     * @param context the run
     * @param took how long it ran
     * @param failure what it threw, or {@code null}
     */
    default void finished(JobContext context, Duration took, Throwable failure) {
    }

    /**
     * A run was still going when its term's validity deadline passed: from then on another participant may
     * lead and run the same work.
     *
     * @param context the run
     * @param runningFor how long it had run at the deadline
     */
    default void overrun(JobContext context, Duration runningFor) {
    }

    /**
     * A tick came while this participant led, but no run started.
     *
     * @param tick the scheduled time
     * @param reason why, for example too little validity left
     */
    default void skipped(Instant tick, String reason) {
    }
}
