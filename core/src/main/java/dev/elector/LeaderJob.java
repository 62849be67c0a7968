package dev.elector;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task on a schedule, but only while this participant leads, and stops it when leadership goes.
 *
 * <pre>{@code
 * LeaderJob job = LeaderJob.builder(election, ctx -> store.compact(ctx.fencingToken()))
 *         .atFixedRate(Duration.ofMinutes(1))
 *         .start();
 * }</pre>
 *
 * <ul>
 *   <li>A run that is in progress when the term ends is interrupted. If it is still running at the term's
 *       validity deadline it is reported as an overrun, to the listener and the log, with its duration.</li>
 *   <li>No run starts with less validity left than {@link Builder#minimumValidity}.</li>
 *   <li>Fixed-rate ticks come from the wall clock, so all participants share them: a new leader serves the
 *       first tick after its election. A graceful handover therefore runs no tick twice and skips at most
 *       the one tick in flight; ticks missed while a run overran are skipped, not caught up.</li>
 * </ul>
 *
 * <p>Each job has one runner thread and one watchdog thread, started by {@link Builder#start()} and ended
 * by {@link #close()}. The election must be started by its owner; closing the job does not close it.
 */
public final class LeaderJob implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderJob.class);

    private final Election election;
    private final LeaderTask task;
    private final Schedule schedule;
    private final Duration fixedDelay;
    private final Duration minimumValidity;
    private final JobListener listener;
    private final String name;
    private final Thread runner;
    private final ScheduledExecutorService watchdog;
    private final AtomicReference<Run> current = new AtomicReference<>();
    private volatile boolean closed;

    private record Run(Context context, Thread thread, long startedAt, AtomicBoolean reported) {
    }

    private LeaderJob(Builder b) {
        this.election = b.election;
        this.task = b.task;
        this.schedule = b.schedule;
        this.fixedDelay = b.fixedDelay;
        this.minimumValidity = b.minimumValidity;
        this.listener = b.listener;
        this.name = b.name == null ? election.name() : b.name;
        this.runner = new Thread(this::loop, "elector-job-" + name);
        this.runner.setDaemon(true);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "elector-job-" + name + "-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = timer;
    }

    /**
     * Starts building a job for {@code task} on {@code election}.
     *
     * @param election a candidate election; its owner starts and closes it
     * @param task the work
     * @return a builder
     */
    public static Builder builder(Election election, LeaderTask task) {
        return new Builder(Objects.requireNonNull(election, "election"), Objects.requireNonNull(task, "task"));
    }

    /**
     * Stops scheduling, interrupts a run in progress and waits up to five seconds for it to end. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        runner.interrupt();
        try {
            runner.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.shutdownNow();
    }

    private void loop() {
        while (!closed) {
            try {
                serve(election.awaitLeadership(Duration.ofSeconds(1)));
            } catch (ElectionTimeoutException e) {
                // not leading yet: wait again
            } catch (ElectionClosedException e) {
                log.info("Job '{}' stops: its election is closed", name);
                return;
            } catch (IllegalStateException e) {
                log.error("Job '{}' stops: {}", name, e.getMessage()); // checked at start; the election cannot go back to NEW
                return;
            } catch (InterruptedException e) {
                // closing, or an interrupt meant for a run that just ended
            } catch (RuntimeException e) {
                log.error("Job '{}' failed outside a run; it keeps waiting for leadership", name, e);
            }
        }
    }

    /** Serves ticks for as long as {@code term} holds. */
    private void serve(Leadership term) {
        Thread self = Thread.currentThread();
        term.lost().thenRun(() -> {
            Run run = current.get();
            if (run != null && run.context().term() == term) {
                run.thread().interrupt();
            }
            LockSupport.unpark(self);
        });
        Instant after = Instant.now(); // the first tick is strictly after the election was seen
        while (!closed && term.isValid()) {
            Instant tick = fixedDelay != null ? after.plus(fixedDelay) : schedule.next(after);
            if (!sleepUntil(tick, term)) {
                return;
            }
            if (term.remaining().compareTo(minimumValidity) < 0) {
                String why = "only " + term.remaining().toMillis() + " ms of validity left, below the minimum of " + minimumValidity.toMillis() + " ms";
                log.info("Job '{}' skips the tick at {}: {}", name, tick, why);
                listener.skipped(tick, why);
                after = tick;
                continue;
            }
            runOnce(term, tick);
            Thread.interrupted(); // an interrupt aimed at the run that just ended must not hit the next wait
            // Fixed delay counts from the end of the run; fixed rate skips ticks an overlong run missed.
            Instant now = Instant.now();
            after = fixedDelay != null ? now : (tick.isAfter(now) ? tick : now);
        }
    }

    private boolean sleepUntil(Instant tick, Leadership term) {
        while (!closed && term.isValid()) {
            long untilTick = Duration.between(Instant.now(), tick).toNanos();
            if (untilTick <= 0) {
                return true;
            }
            // Wake at the tick, at the term's deadline, or when the term's end unparks us; re-read the
            // wall clock at least every 100 ms in case it was adjusted.
            long untilDeadline = term.validUntilNanos() - System.nanoTime();
            LockSupport.parkNanos(Math.max(1, Math.min(untilTick, Math.min(untilDeadline, TimeUnit.MILLISECONDS.toNanos(100)))));
            if (Thread.interrupted() && closed) {
                return false;
            }
        }
        return false;
    }

    private void runOnce(Leadership term, Instant tick) {
        Context context = new Context(term, tick);
        Run run = new Run(context, Thread.currentThread(), System.nanoTime(), new AtomicBoolean());
        current.set(run);
        if (!term.isValid()) {
            current.set(null); // lost between the check and now; the lost signal may not have seen this run
            return;
        }
        watchForOverrun(run);
        listener.started(context);
        Throwable failure = null;
        try {
            task.run(context);
        } catch (Throwable t) {
            failure = t;
        } finally {
            current.set(null);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - run.startedAt());
        if (failure != null && !(failure instanceof InterruptedException) && !(failure instanceof LeadershipLostException)) {
            log.warn("Job '{}' run for tick {} (token {}) failed after {} ms", name, tick, term.fencingToken(), took.toMillis(), failure);
        }
        listener.finished(context, took, failure);
    }

    /** Checks at the term's deadline, and again whenever renewals have moved it, whether the run outlived it. */
    private void watchForOverrun(Run run) {
        Leadership term = run.context().term();
        long delay = Math.max(0, term.validUntilNanos() - System.nanoTime());
        try {
            watchdog.schedule(() -> {
                if (current.get() != run) {
                    return;
                }
                if (term.isValid()) {
                    watchForOverrun(run);
                } else if (run.reported().compareAndSet(false, true)) {
                    Duration runningFor = Duration.ofNanos(System.nanoTime() - run.startedAt());
                    run.thread().interrupt();
                    log.warn("Job '{}' overran: its run for tick {} (token {}) was still going at the validity deadline, after {} ms",
                            name, run.context().scheduledTime(), term.fencingToken(), runningFor.toMillis());
                    listener.overrun(run.context(), runningFor);
                }
            }, delay + 1, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private static final class Context implements JobContext {
        private final Leadership term;
        private final Instant tick;

        Context(Leadership term, Instant tick) {
            this.term = term;
            this.tick = tick;
        }

        @Override
        public long fencingToken() {
            return term.fencingToken();
        }

        @Override
        public Duration remainingValidity() {
            return term.remaining();
        }

        @Override
        public boolean isValid() {
            return term.isValid();
        }

        @Override
        public void checkValid() {
            if (!term.isValid()) {
                throw new LeadershipLostException("the term with token " + term.fencingToken() + " of '" + term.election() + "' is over");
            }
        }

        @Override
        public Instant scheduledTime() {
            return tick;
        }

        @Override
        public Leadership term() {
            return term;
        }
    }

    /** Builds a {@link LeaderJob}; exactly one of the three schedules must be chosen. */
    public static final class Builder {
        private final Election election;
        private final LeaderTask task;
        private Schedule schedule;
        private Duration fixedDelay;
        private Duration minimumValidity = Duration.ZERO;
        private JobListener listener = new JobListener() { };
        private String name;

        private Builder(Election election, LeaderTask task) {
            this.election = election;
            this.task = task;
        }

        /**
         * Runs at every multiple of {@code period} since the Unix epoch, on whichever participant leads.
         *
         * @param period positive
         * @return this builder
         */
        public Builder atFixedRate(Duration period) {
            return on(Schedule.atFixedRate(period));
        }

        /**
         * Runs {@code delay} after the election, then {@code delay} after the end of each run.
         *
         * @param delay positive
         * @return this builder
         */
        public Builder withFixedDelay(Duration delay) {
            this.fixedDelay = Checks.positive("delay", delay);
            this.schedule = null;
            return this;
        }

        /**
         * Runs on a schedule of your own.
         *
         * @param schedule gives the next tick after a point in time
         * @return this builder
         */
        public Builder on(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            this.fixedDelay = null;
            return this;
        }

        /**
         * No run starts with less validity left than this; such a tick is skipped and reported. Default zero:
         * any valid term may start a run.
         *
         * @param value zero or positive
         * @return this builder
         */
        public Builder minimumValidity(Duration value) {
            Objects.requireNonNull(value, "minimumValidity");
            if (value.isNegative()) {
                throw new IllegalArgumentException("minimumValidity must not be negative, got " + Durations.format(value));
            }
            this.minimumValidity = value;
            return this;
        }

        /**
         * Sets the listener.
         *
         * @param value the listener
         * @return this builder
         */
        public Builder listener(JobListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /**
         * Names the job in thread names and logs; the election name by default.
         *
         * @param value the name
         * @return this builder
         */
        public Builder name(String value) {
            this.name = Checks.name("job name", value);
            return this;
        }

        /**
         * Checks the settings and starts the job's threads.
         *
         * @return the running job
         * @throws IllegalStateException if no schedule was chosen, or the election is not started
         * @throws IllegalArgumentException if the election is an observer, which never leads, or
         *     {@code minimumValidity} is longer than any term of it can be valid
         * @throws ElectionClosedException if the election is closed
         */
        public LeaderJob start() {
            if (schedule == null && fixedDelay == null) {
                throw new IllegalStateException("choose a schedule: atFixedRate, withFixedDelay or on");
            }
            String which = "election '" + election.name() + "' of " + election.participantId();
            if (election.options().observer()) {
                throw new IllegalArgumentException("a LeaderJob needs a candidate, but " + which + " is an observer, which never leads");
            }
            if (election.state() == Election.State.NEW) {
                throw new IllegalStateException("start " + which + " before its LeaderJob: a job only waits for a running election");
            }
            if (election.state() == Election.State.CLOSED) {
                throw new ElectionClosedException(which + " is closed: its LeaderJob could never run");
            }
            if (minimumValidity.compareTo(election.termValidity()) >= 0) {
                throw new IllegalArgumentException("minimumValidity " + Durations.format(minimumValidity) + " must be below the validity one renewal gives a term of "
                        + which + ", " + Durations.format(election.termValidity()) + " (session timeout minus safety margin): no run could ever start");
            }
            LeaderJob job = new LeaderJob(this);
            job.runner.start();
            return job;
        }
    }
}
