package dev.elector.micrometer;

import dev.elector.ConnectionListener;
import dev.elector.ConnectionState;
import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.JobContext;
import dev.elector.JobListener;
import dev.elector.LeadershipLostException;
import dev.elector.Leadership;
import dev.elector.Participant;
import dev.elector.RevocationReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for Elector, with Micrometer's conventions: dotted names, base units (seconds),
 * low-cardinality tags (the election's or job's name and the backend's scheme; never a participant id).
 * Gauges are registered once per election and read its current term, so they never go NaN after a
 * failover. Usable without Spring.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code elector.leadership}</td><td>gauge</td><td>election</td><td>1 while this participant leads, else 0</td></tr>
 *   <tr><td>{@code elector.leadership.remaining}</td><td>gauge, seconds</td><td>election</td><td>validity left in the current term, 0 without one</td></tr>
 *   <tr><td>{@code elector.terms.started}</td><td>counter</td><td>election</td><td>terms this participant began</td></tr>
 *   <tr><td>{@code elector.terms.ended}</td><td>counter</td><td>election, reason</td><td>terms ended, by {@link RevocationReason}</td></tr>
 *   <tr><td>{@code elector.term.duration}</td><td>timer</td><td>election</td><td>how long each term lasted</td></tr>
 *   <tr><td>{@code elector.election.duration}</td><td>timer</td><td>election</td><td>time to elect: from binding, or from the end of
 *       the previous term, to the next term</td></tr>
 *   <tr><td>{@code elector.leader.changes}</td><td>counter</td><td>election</td><td>changes of leader an observer saw</td></tr>
 *   <tr><td>{@code elector.connection.state}</td><td>gauge</td><td>backend</td><td>1 while {@link ConnectionState#CONNECTED}, else 0</td></tr>
 *   <tr><td>{@code elector.connection.suspensions}</td><td>counter</td><td>backend</td><td>renewals not acknowledged in time</td></tr>
 *   <tr><td>{@code elector.renewal}</td><td>timer</td><td>backend, outcome</td><td>round trip of each session renewal: success or
 *       failure</td></tr>
 *   <tr><td>{@code elector.session.losses}</td><td>counter</td><td>backend</td><td>sessions the server ended</td></tr>
 *   <tr><td>{@code elector.job.runs}</td><td>timer</td><td>job, outcome</td><td>each run: success, failure or interrupted</td></tr>
 *   <tr><td>{@code elector.job.overruns}</td><td>counter</td><td>job</td><td>runs still going at their term's deadline</td></tr>
 *   <tr><td>{@code elector.job.skipped}</td><td>counter</td><td>job</td><td>ticks not run</td></tr>
 * </table>
 */
public final class ElectorMetrics {
    private ElectorMetrics() {
    }

    /**
     * Meters of a coordinator's connection, tagged with its backend's scheme.
     *
     * @param registry where the meters go
     * @param coordinator the coordinator
     */
    public static void bind(MeterRegistry registry, Coordinator coordinator) {
        Objects.requireNonNull(registry, "registry");
        String scheme = coordinator.uri().substring(0, Math.max(0, coordinator.uri().indexOf("://")));
        Tags tags = Tags.of("backend", scheme);
        Gauge.builder("elector.connection.state", coordinator, c -> c.connectionState() == ConnectionState.CONNECTED ? 1 : 0)
                .tags(tags).description("1 while renewals are acknowledged in time").register(registry);
        Counter suspensions = Counter.builder("elector.connection.suspensions").tags(tags)
                .description("Renewals not acknowledged before the validity deadline").register(registry);
        Counter losses = Counter.builder("elector.session.losses").tags(tags).description("Sessions the server ended").register(registry);
        Timer acknowledged = renewals(registry, tags, "success");
        Timer failed = renewals(registry, tags, "failure");
        coordinator.addConnectionListener(new ConnectionListener() {
            @Override
            public void stateChanged(ConnectionState state) {
                if (state == ConnectionState.SUSPENDED) {
                    suspensions.increment();
                } else if (state == ConnectionState.SESSION_LOST) {
                    losses.increment();
                }
            }

            @Override
            public void renewed(Duration roundTrip, Throwable failure) {
                (failure == null ? acknowledged : failed).record(roundTrip);
            }
        });
    }

    /**
     * Meters of one election, tagged with its name; bind it before {@link Election#start()} so that the
     * first term is counted.
     *
     * @param registry where the meters go
     * @param election the candidate or observer
     */
    public static void bind(MeterRegistry registry, Election election) {
        Objects.requireNonNull(registry, "registry");
        Tags tags = Tags.of("election", election.name());
        Gauge.builder("elector.leadership", election, e -> e.isLeader() ? 1 : 0).tags(tags)
                .description("1 while this participant leads").register(registry);
        Gauge.builder("elector.leadership.remaining", election, ElectorMetrics::remainingSeconds).tags(tags).baseUnit("seconds")
                .description("Validity left in the current term").register(registry);
        Counter started = Counter.builder("elector.terms.started").tags(tags).register(registry);
        Timer termDuration = Timer.builder("elector.term.duration").tags(tags).description("How long each term lasted").register(registry);
        Timer toElect = Timer.builder("elector.election.duration").tags(tags).description("Time to elect this participant").register(registry);
        Counter leaderChanges = Counter.builder("elector.leader.changes").tags(tags).description("Changes of leader an observer saw").register(registry);
        // Every reason at once, so that a dashboard shows zeros rather than nothing.
        Map<RevocationReason, Counter> ended = new EnumMap<>(RevocationReason.class);
        for (RevocationReason reason : RevocationReason.values()) {
            ended.put(reason, Counter.builder("elector.terms.ended").tags(tags.and("reason", reason.name()))
                    .description("Terms ended, by reason").register(registry));
        }
        election.addListener(new ElectionListener() {
            // Volatile, though one election's listeners run one at a time: they may run on different threads.
            private volatile long waitingSince = System.nanoTime();
            private volatile long termStarted;

            @Override
            public void elected(Leadership term) {
                long now = System.nanoTime();
                started.increment();
                toElect.record(now - waitingSince, TimeUnit.NANOSECONDS);
                termStarted = now;
            }

            @Override
            public void revoked(Leadership term, RevocationReason reason) {
                long now = System.nanoTime();
                ended.get(reason).increment();
                termDuration.record(now - termStarted, TimeUnit.NANOSECONDS);
                waitingSince = now;
            }

            @Override
            public void leaderChanged(Optional<Participant> leader) {
                leaderChanges.increment();
            }
        });
    }

    private static double remainingSeconds(Election election) {
        return election.leadership().map(t -> Math.max(0, t.remaining().toNanos()) / 1e9).orElse(0.0);
    }

    /**
     * Meters of a {@link dev.elector.LeaderJob}: hand the result to its builder's {@code listener(..)}.
     *
     * @param registry where the meters go
     * @param job the job's name, the {@code job} tag
     * @return the listener that records them
     */
    public static JobListener jobListener(MeterRegistry registry, String job) {
        Objects.requireNonNull(registry, "registry");
        Tags tags = Tags.of("job", Objects.requireNonNull(job, "job"));
        Timer success = runs(registry, tags, "success");
        Timer failure = runs(registry, tags, "failure");
        Timer interrupted = runs(registry, tags, "interrupted");
        Counter overruns = Counter.builder("elector.job.overruns").tags(tags).description("Runs still going at their term's deadline").register(registry);
        Counter skipped = Counter.builder("elector.job.skipped").tags(tags).description("Ticks not run").register(registry);
        return new JobListener() {
            @Override
            public void finished(JobContext context, Duration took, Throwable error) {
                Timer outcome = error == null ? success
                        : error instanceof InterruptedException || error instanceof LeadershipLostException ? interrupted : failure;
                outcome.record(took);
            }

            @Override
            public void overrun(JobContext context, Duration runningFor) {
                overruns.increment();
            }

            @Override
            public void skipped(Instant tick, String reason) {
                skipped.increment();
            }
        };
    }

    private static Timer renewals(MeterRegistry registry, Tags tags, String outcome) {
        return Timer.builder("elector.renewal").tags(tags.and("outcome", outcome)).description("Round trip of each session renewal").register(registry);
    }

    private static Timer runs(MeterRegistry registry, Tags tags, String outcome) {
        return Timer.builder("elector.job.runs").tags(tags.and("outcome", outcome)).description("Runs of a leader-only job").register(registry);
    }
}
