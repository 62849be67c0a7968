package dev.elector.it.faults;

import dev.elector.test.cluster.TcpProxy;

import static org.awaitility.Awaitility.await;

import dev.elector.cli.Fleet;
import dev.elector.test.cluster.History;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of one scenario: participants in child JVMs, each reaching every member through a proxy of its
 * own, a fault, a heal, and then the checks on the recorded history.
 */
final class Trial implements AutoCloseable {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final String ELECTION = "job";

    /** What the checks found. */
    record Outcome(long overlapNanos, int staleAccepted, int staleRejected, boolean tokensIncreasing, Long failoverMillis,
                   boolean livenessViolated, long livenessMillis, int leakedEntries, String detail) {
    }

    final ClusterUnderTest cluster;
    final String namespace;
    final Fleet fleet;
    private final Map<String, List<TcpProxy>> proxies = new LinkedHashMap<>();
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> leasesBefore;
    private long faultAt;
    private long healedAt;
    private final List<String> notes = new ArrayList<>();

    Trial(ClusterUnderTest cluster) {
        this.cluster = cluster;
        this.namespace = "faults-" + NAMESPACES.incrementAndGet() + "-" + ProcessHandle.current().pid();
        this.fleet = new Fleet(ELECTION, Duration.ofMillis(200), Processes.testClasspath(), (id, fields, accepted) -> { });
        this.leasesBefore = cluster.leases();
    }

    /** Starts a participant whose every connection to the cluster goes through proxies of its own. */
    String spawn() {
        List<TcpProxy> own = cluster.addresses().stream().map(TcpProxy::new).toList();
        String id = fleet.spawn(cluster.uriFor(own.stream().map(TcpProxy::address).toList(), namespace));
        proxies.put(id, own);
        return id;
    }

    /** Starts {@code n} participants and waits for a leader. */
    String start(int n) {
        for (int i = 0; i < n; i++) {
            spawn();
        }
        return awaitLeader(Duration.ofSeconds(60));
    }

    String awaitLeader(Duration limit) {
        await("a leader").atMost(limit).until(() -> leaderNow().isPresent());
        return leaderNow().orElseThrow();
    }

    /** The participant with an open term that is not paused and still runs. */
    Optional<String> leaderNow() {
        return fleet.leader().filter(id -> !paused.contains(id) && fleet.ids().contains(id));
    }

    List<TcpProxy> proxiesOf(String id) {
        return proxies.get(id);
    }

    void block(String id, TcpProxy.Direction... directions) {
        proxies.get(id).forEach(p -> p.block(directions));
    }

    void delay(String id, Duration delay) {
        proxies.get(id).forEach(p -> p.delay(delay));
    }

    void heal(String id) {
        proxies.get(id).forEach(TcpProxy::heal);
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

    /** Waits for liveness, lets everyone leave, and checks the history. */
    Outcome finish() throws InterruptedException {
        Liveness liveness = liveness(fleet, this::leaderNow, cluster.sessionTimeout(), healedAt, notes);
        proxies.values().forEach(list -> list.forEach(TcpProxy::heal));
        for (String id : List.copyOf(paused)) {
            resume(id);
        }
        fleet.leaveAll(Duration.ofSeconds(15));
        int leaked;
        try {
            // Killed participants' sessions or leases end after a TTL; everything else goes at once.
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.entries(namespace, ELECTION) == 0
                    && leasesBefore.containsAll(cluster.leases()));
            leaked = 0;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            java.util.Set<String> extra = new java.util.HashSet<>(cluster.leases());
            extra.removeAll(leasesBefore);
            leaked = cluster.entries(namespace, ELECTION) + extra.size();
            notes.add("left behind: " + cluster.entries(namespace, ELECTION) + " entries, leases " + extra);
        }
        return outcome(fleet.history(), faultAt, liveness, leaked, notes);
    }

    /** Whether a leader came back within the TTL plus {@link ReliabilityContract#LIVENESS_BOUND} of the heal, and how soon. */
    record Liveness(boolean violated, long millis) {
    }

    /**
     * Waits for a leader after the heal, up to the TTL plus {@link ReliabilityContract#LIVENESS_BOUND}.
     *
     * @param leaderNow the participant that leads now, not paused and still running
     */
    static Liveness liveness(Fleet fleet, java.util.function.Supplier<Optional<String>> leaderNow, Duration ttl, long healedAt, List<String> notes) {
        Duration limit = ttl.plus(ReliabilityContract.LIVENESS_BOUND);
        try {
            await().atMost(limit).until(() -> leaderNow.get().isPresent());
            History.Term term = fleet.history().terms().stream().filter(t -> t.id().equals(leaderNow.get().orElse(""))).reduce((a, b) -> b).orElseThrow();
            return new Liveness(false, Math.max(0, term.start() - healedAt) / 1_000_000);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            notes.add("no leader within " + limit + " of the heal");
            return new Liveness(true, limit.toMillis());
        }
    }

    /**
     * The checks on a history: overlap, fencing, tokens, and the failover, from the fault to the first term
     * with a token above every term begun before it.
     */
    static Outcome outcome(History history, long faultAt, Liveness liveness, int leaked, List<String> notes) {
        long before = history.terms().stream().filter(t -> t.start() < faultAt).mapToLong(History.Term::token).max().orElse(Long.MIN_VALUE);
        Long failover = history.terms().stream().filter(t -> t.start() > faultAt && t.token() > before).findFirst()
                .map(t -> (t.start() - faultAt) / 1_000_000).orElse(null);
        return new Outcome(history.maxOverlapNanos(System.nanoTime()), history.staleWritesAccepted(), history.rejected(),
                history.tokensIncreasing(), failover, liveness.violated(), liveness.millis(), leaked, String.join("; ", notes) + " terms=" + history.terms());
    }

    @Override
    public void close() {
        fleet.close();
        proxies.values().forEach(list -> list.forEach(TcpProxy::close));
    }
}
