package dev.elector.cli;

import dev.elector.test.cluster.History;
import dev.elector.test.cluster.EmbeddedZooKeeper;
import dev.elector.test.cluster.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code elector demo}: an embedded ZooKeeper and several participants in JVMs of their own, each running a
 * leader-only job that writes to a fenced resource here. The demo kills the leader, pauses one past its
 * deadline, and makes one resign, prints what happens, and ends with a summary a script can parse. Exit
 * status 0 means every invariant held.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        customSynopsis = "elector demo [--backend zk|raft] [--duration DURATION] [--participants N]",
        description = {"Runs a self-contained demo: elections, failovers, fencing tokens and leader-only jobs, on an embedded ZooKeeper,"
                + " or with --backend raft among the participants themselves, each a Raft voter, with no server at all."
                + " It ends with a summary line a script can parse.", ""},
        footer = {"", "Examples:", "  elector demo", "  elector demo --duration 12s --participants 3", "  elector demo --backend raft",
                "", "Exit codes: 0 every invariant held, 1 one did not (or the demo could not run), 2 a wrong command line."})
final class DemoCommand implements Callable<Integer> {
    /** Session timeout of the participants; the embedded server's 100 ms tick allows 0.2 s to 2 s. */
    private static final Duration SESSION = Duration.ofSeconds(2);

    @Option(names = "--duration", converter = Durations.class, defaultValue = "30s", paramLabel = "DURATION",
            description = "How long the demo runs once a first leader is elected (default ${DEFAULT-VALUE}, at least 12s).")
    Duration duration;

    @Option(names = "--participants", description = "Participants (default 4, 2 to 8; with raft, 3 by default, and 3, 5 or 7).")
    Integer participants;

    @Option(names = "--backend", defaultValue = "zk", paramLabel = "zk|raft",
            description = "zk: an embedded ZooKeeper (default); raft: the participants are the Raft group's voters.")
    String backend;

    /** Raft election timeouts of 300 ms to 600 ms allow sessions from 1.8 s; 3 s leave room for a Raft election. */
    private static final Duration RAFT_SESSION = Duration.ofSeconds(3);

    private final long startedAt = System.nanoTime();
    private volatile String cause = "election";
    private int failovers;
    private int handovers;
    private Fleet fleet;

    @Override
    public Integer call() throws Exception {
        if (duration.compareTo(Duration.ofSeconds(12)) < 0) {
            throw new IllegalArgumentException("--duration " + duration.toSeconds() + "s is too short: the demo needs at least 12s");
        }
        boolean raft = switch (backend) {
            case "zk" -> false;
            case "raft" -> true;
            default -> throw new IllegalArgumentException("--backend '" + backend + "' must be zk or raft");
        };
        int count = participants != null ? participants : raft ? 3 : 4;
        if (count < 2 || count > 8 || raft && (count % 2 == 0 || count < 3)) {
            throw new IllegalArgumentException("--participants " + count + (raft ? " must be 3, 5 or 7: a Raft group of voters needs an odd number of at least 3"
                    : " must be 2 to 8"));
        }
        fleet = new Fleet("demo", Duration.ofMillis(500), System.getProperty("java.class.path"), this::show);
        Fleet group = fleet;
        Runtime.getRuntime().addShutdownHook(new Thread(group::close, "elector-demo-stop"));
        Duration session = raft ? RAFT_SESSION : SESSION;
        // Where each participant connects: one URI for all on ZooKeeper; on Raft, each voter names itself, and a
        // participant started again in a killed one's place takes its URI, so its node rejoins from its log.
        Map<String, String> uris = new HashMap<>();
        try (AutoCloseable server = raft ? raftGroup(count, uris, session) : zooKeeper(count, uris, session); group) {
            waitUntil(() -> fleet.leader().isPresent(), Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            at(t0, 0.2);
            fleet.leader().ifPresent(id -> {
                print("demo", "SIGKILL " + id + ", the leader: the others wait for its session to expire (" + session.toMillis() + " ms)");
                cause = "failover after SIGKILL";
                fleet.kill(id);
                String uri = uris.get(id);
                String next = fleet.spawn(uri);
                uris.put(next, uri);
                if (raft) {
                    print("demo", next + " starts in " + id + "'s place, on its Raft node's data: the node rejoins from its log");
                }
            });
            at(t0, 0.4);
            // After the kill a new leader may still be on its way (on Raft, a Raft election may come first).
            waitUntil(() -> fleet.leader().isPresent(), session.multipliedBy(4));
            Optional<String> paused = fleet.leader();
            if (paused.isPresent()) {
                String id = paused.get();
                int runs = fleet.count(id, "RUN");
                waitUntil(() -> fleet.count(id, "RUN") > runs, Duration.ofSeconds(5));
                print("demo", "SIGSTOP " + id + ", the leader, in the middle of a job run, for " + 2 * session.toMillis()
                        + " ms: past its deadline, like a long GC pause");
                cause = "failover after SIGSTOP";
                fleet.pause(id);
                TimeUnit.NANOSECONDS.sleep(session.multipliedBy(2).toNanos());
                print("demo", "SIGCONT " + id + ": it must find its term over, and its in-flight write must be fenced off");
                fleet.resume(id);
            }
            at(t0, 0.75);
            waitUntil(() -> fleet.leader().isPresent(), session.multipliedBy(4));
            fleet.leader().ifPresent(id -> {
                print("demo", "asking " + id + ", the leader, to resign");
                cause = "handover after resign";
                fleet.resign(id);
            });
            at(t0, 1.0);
            print("demo", "stopping");
            fleet.leaveAll(Duration.ofSeconds(10));
        }
        return summary(fleet.history());
    }

    private AutoCloseable zooKeeper(int count, Map<String, String> uris, Duration session) throws java.io.IOException {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(0, 100);
        String uri = zk.uri("demo", "sessionTimeout=" + session.toMillis() + "ms&connectTimeout=5s");
        print("demo", "embedded ZooKeeper at 127.0.0.1:" + zk.port() + ", session timeout " + session.toMillis() + " ms; starting "
                + count + " participants, each running a leader-only job every 500 ms");
        for (int i = 0; i < count; i++) {
            uris.put(fleet.spawn(uri), uri);
        }
        return zk;
    }

    /** Each participant is a voter of the group, its node in its own JVM: no server runs anywhere else. */
    private AutoCloseable raftGroup(int count, Map<String, String> uris, Duration session) throws java.io.IOException {
        Path data = Files.createTempDirectory(Processes.dataRoot(), "elector-demo-raft-");
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            voters.add("127.0.0.1:" + Processes.freePort());
        }
        print("demo", "no server: " + count + " participants are the voters of a Raft group at " + String.join(",", voters)
                + ", session timeout " + session.toMillis() + " ms, each running a leader-only job every 500 ms");
        for (int i = 0; i < count; i++) {
            String uri = "raft://" + String.join(",", voters) + "/demo?self=" + voters.get(i) + "&dataDir=" + data.resolve("node-" + (i + 1))
                    + "&electionTimeout=300ms&sessionTimeout=" + session.toMillis() + "ms&connectTimeout=30s";
            uris.put(fleet.spawn(uri), uri);
        }
        return () -> Processes.deleteTree(data);
    }

    private synchronized void show(String id, String[] f, boolean accepted) {
        switch (f[0]) {
            case "READY" -> print(id, "joined the election");
            case "ELECTED" -> {
                String how = cause;
                if (how.startsWith("failover")) {
                    failovers++;
                } else if (how.startsWith("handover")) {
                    handovers++;
                }
                cause = "handover after the leader left";
                print(id, String.format("ELECTED    token %s  (%s)", f[1], how.equals("election") ? "first election" : how));
            }
            case "REVOKED" -> print(id, String.format("revoked    token %s  (%s)", f[1], f[4]));
            case "WRITE" -> print(id, accepted ? String.format("write      token %s  accepted", f[1])
                    : String.format("write      token %s  REJECTED by the fenced resource: it has seen token %d", f[1], fleet.history().highestToken()));
            default -> { }
        }
    }

    private synchronized int summary(History history) {
        long overlapMs = (history.maxOverlapNanos(System.nanoTime()) + 999_999) / 1_000_000;
        int stale = history.staleWritesAccepted();
        boolean increasing = history.tokensIncreasing();
        int terms = history.terms().size();
        print("demo", String.format("fenced resource: %d writes accepted, %d stale writes rejected", history.accepted(), history.rejected()));
        System.out.printf("summary terms=%d failovers=%d handovers=%d max_overlap_ms=%d stale_writes_accepted=%d stale_writes_rejected=%d"
                + " tokens_increasing=%s%n", terms, failovers, handovers, overlapMs, stale, history.rejected(), increasing);
        System.out.flush();
        return overlapMs == 0 && stale == 0 && increasing && terms >= 2 ? 0 : 1;
    }

    private void print(String who, String what) {
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        System.out.printf("[%6.1fs] %-5s %s%n", seconds, who, what);
        System.out.flush();
    }

    private void at(long t0, double fraction) throws InterruptedException {
        long target = t0 + (long) (duration.toNanos() * fraction);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, target - System.nanoTime()));
    }

    private static void waitUntil(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the demo waited " + limit.toSeconds() + "s for something that did not happen");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
