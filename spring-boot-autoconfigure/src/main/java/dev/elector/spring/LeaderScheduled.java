package dev.elector.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a bean method as a {@link dev.elector.LeaderJob}: on the leader of a declared election only, on ticks
 * that every instance shares, interrupted when leadership goes, with overruns and skipped ticks reported.
 *
 * <pre>{@code
 * @LeaderScheduled(election = "reports", fixedRate = "1m")
 * void report(JobContext run) throws InterruptedException {
 *     store.write(rows, run.fencingToken());
 * }
 * }</pre>
 *
 * <p>The method takes no parameter or one {@link dev.elector.JobContext}: its fencing token, remaining
 * validity and tick. Its result is ignored. Unlike {@code @Scheduled} with a leadership check, a handover
 * never runs a tick twice, and a run still going when the term ends is interrupted. Values may be
 * {@code ${...}} placeholders. A method this cannot serve fails the context at start, naming it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderScheduled {
    /**
     * The election, declared under {@code elector.elections}.
     *
     * @return the election name
     */
    String election();

    /**
     * Ticks at every multiple of this period since the epoch, such as {@code 1m} or {@code PT30S}. Exactly
     * one of this and {@link #fixedDelay()} is set.
     *
     * @return the period, or empty
     */
    String fixedRate() default "";

    /**
     * Runs again this long after the previous run ended, such as {@code 10s}.
     *
     * @return the delay, or empty
     */
    String fixedDelay() default "";

    /**
     * No run starts with less validity left than this; empty for the core's default.
     *
     * @return the minimum validity, or empty
     */
    String minimumValidity() default "";

    /**
     * The job's name in logs and meters; empty for {@code bean.method}.
     *
     * @return the name, or empty
     */
    String name() default "";
}
