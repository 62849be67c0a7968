package dev.elector.it.faults;

import static org.awaitility.Awaitility.await;

import dev.elector.cli.Fleet;
import dev.elector.test.cluster.History;
import dev.elector.test.cluster.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One run of one scenario: participants in child JVMs running a leader-only job, a fault, a heal, and then
 * the checks on the recorded history. What differs between topologies is how a participant reaches the
 * coordination service, how the network heals, and how entries left behind are counted; subclasses say that.
 */
abstract class Trial implements AutoCloseable {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final String ELECTION = "job";

    /** What the checks found. */
    record Outcome(long overlapNanos, int staleAccepted, int staleRejected, boolean tokensIncreasing, Long failoverMillis,
                   boolean livenessViolated, long livenessMillis, int leakedEntries, String detail) {
    }

    /** A scenario: the fault, and its heal, on one kind of trial. */
    interface Scenario<T extends Trial> {
        void run(T trial) throws Exception;
    }

    /** Runs {@code trials} fresh trials of a scenario, adds each to the report, and asserts every check on all of them. */
    static <T extends Trial> void run(String scenario, String backend, int trials, java.util.function.Supplier<T> newTrial, Scenario<T> body)
            throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            try (T trial = newTrial.get()) {
                body.run(trial);
                Outcome o = trial.finish();
                ReliabilityReport.add(scenario, backend, trial.ttl(), o);
                outcomes.add(o);
            }
        }
        ReliabilityContract.assertHeld(outcomes);
    }

    final String namespace;
    final Fleet fleet;
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final List<String> notes = new ArrayList<>();
    private long faultAt;
    private long healedAt;

    Trial(String prefix) {
        this.namespace = prefix + "-" + NAMESPACES.incrementAndGet() + "-" + ProcessHandle.current().pid();
        this.fleet = new Fleet(ELECTION, Duration.ofMillis(200), Processes.testClasspath(), (id, fields, accepted) -> { });
    }

    /** The session timeout the participants run with. */
    abstract Duration ttl();

    /** Lifts every network fault still in place. */
    abstract void healNetwork();

    /** The entries (and sessions or leases) left once every participant has left; notes what it found. */
    abstract int leaked();

    String awaitLeader(Duration limit) {
        await("a leader").atMost(limit).until(() -> leaderNow().isPresent());
        return leaderNow().orElseThrow();
    }

    /** The participant with an open term that is not paused and still runs. */
    Optional<String> leaderNow() {
        return fleet.leader().filter(id -> !paused.contains(id) && fleet.ids().contains(id));
    }

    void pause(String id) {
        paused.add(id);
        fleet.pause(id);
    }

    void resume(String id) {
        fleet.resume(id);
        paused.remove(id);
    }

    void fault() {
        faultAt = System.nanoTime();
    }

    void healed() {
        healedAt = System.nanoTime();
    }

    void note(String text) {
        notes.add(text);
    }

    /** Sleeps through a fault: the only waiting here that is not for a condition, because time passing is the fault. */
    static void hold(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for liveness, heals everything, lets everyone leave, and checks the history. */
    final Outcome finish() throws InterruptedException {
        Liveness liveness = liveness();
        healNetwork();
        for (String id : List.copyOf(paused)) {
            resume(id);
        }
        fleet.leaveAll(Duration.ofSeconds(15));
        int leaked = leaked();
        History history = fleet.history();
        long before = history.terms().stream().filter(t -> t.start() < faultAt).mapToLong(History.Term::token).max().orElse(Long.MIN_VALUE);
        // The failover runs from the fault to the first term with a token above every term begun before it.
        Long failover = history.terms().stream().filter(t -> t.start() > faultAt && t.token() > before).findFirst()
                .map(t -> (t.start() - faultAt) / 1_000_000).orElse(null);
        return new Outcome(history.maxOverlapNanos(System.nanoTime()), history.staleWritesAccepted(), history.rejected(),
                history.tokensIncreasing(), failover, liveness.violated(), liveness.millis(), leaked, String.join("; ", notes) + " terms=" + history.terms());
    }

    /** Whether a leader came back within the TTL plus {@link ReliabilityContract#LIVENESS_BOUND} of the heal, and how soon. */
    private record Liveness(boolean violated, long millis) {
    }

    private Liveness liveness() {
        Duration limit = ttl().plus(ReliabilityContract.LIVENESS_BOUND);
        try {
            await().atMost(limit).until(() -> leaderNow().isPresent());
            History.Term term = fleet.history().terms().stream().filter(t -> t.id().equals(leaderNow().orElse(""))).reduce((a, b) -> b).orElseThrow();
            return new Liveness(false, Math.max(0, term.start() - healedAt) / 1_000_000);
        } catch (ConditionTimeoutException e) {
            notes.add("no leader within " + limit + " of the heal");
            return new Liveness(true, limit.toMillis());
        }
    }

    @Override
    public void close() {
        fleet.close();
    }
}
