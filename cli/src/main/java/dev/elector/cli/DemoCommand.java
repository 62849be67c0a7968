package dev.elector.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code elector demo}: an embedded ZooKeeper and several participants in JVMs of their own, each running a
 * leader-only job that writes to a fenced resource here. The demo kills the leader, pauses one past its
 * deadline, and makes one resign, prints what happens, and ends with a summary a script can parse. Exit
 * status 0 means every invariant held.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs a self-contained demo on an embedded ZooKeeper: elections, failovers, fencing tokens and leader-only jobs.")
final class DemoCommand implements Callable<Integer> {
    /** Session timeout of the participants; the embedded server's 100 ms tick allows 0.2 s to 2 s. */
    private static final Duration SESSION = Duration.ofSeconds(2);

    @Option(names = "--duration", converter = Durations.class, defaultValue = "30s", paramLabel = "DURATION",
            description = "How long the demo runs once a first leader is elected (default ${DEFAULT-VALUE}, at least 12s).")
    Duration duration;

    @Option(names = "--participants", defaultValue = "4", description = "Participants (default ${DEFAULT-VALUE}, 2 to 8).")
    int participants;

    private final long startedAt = System.nanoTime();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final List<Term> terms = new ArrayList<>();
    private long highestToken = Long.MIN_VALUE;
    private int accepted;
    private int rejected;
    /** What the fenced resource saw, in order: a positive token for a new leader's announcement, a negative one for an accepted write. */
    private final List<Long> resourceLog = new ArrayList<>();
    private int failovers;
    private int handovers;
    private String cause = "election";
    private int nextId = 1;

    /** One participant's term as it believed it: from its election to its revocation or death. */
    private static final class Term {
        final String id;
        final long token;
        final long start;
        long end = Long.MAX_VALUE;

        Term(String id, long token, long start) {
            this.id = id;
            this.token = token;
            this.start = start;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (duration.compareTo(Duration.ofSeconds(12)) < 0) {
            throw new IllegalArgumentException("--duration " + duration.toSeconds() + "s is too short: the demo needs at least 12s");
        }
        if (participants < 2 || participants > 8) {
            throw new IllegalArgumentException("--participants " + participants + " must be 2 to 8");
        }
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(0, 100)) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "elector-demo-stop"));
            String uri = zk.uri("demo", "sessionTimeout=" + SESSION.toMillis() + "ms&connectTimeout=5s");
            print("demo", "embedded ZooKeeper at 127.0.0.1:" + zk.port() + ", session timeout " + SESSION.toMillis() + " ms; starting "
                    + participants + " participants, each running a leader-only job every 500 ms");
            for (int i = 0; i < participants; i++) {
                spawn(uri);
            }
            waitUntil(() -> leader().isPresent(), Duration.ofSeconds(60));
            long t0 = System.nanoTime();
            at(t0, 0.2);
            leader().ifPresent(id -> {
                print("demo", "SIGKILL " + id + ", the leader: the others wait for its session to expire (" + SESSION.toMillis() + " ms)");
                cause = "failover after SIGKILL";
                kill(id);
                spawn(uri);
            });
            at(t0, 0.4);
            Optional<String> paused = leader();
            if (paused.isPresent()) {
                String id = paused.get();
                int runs = countLines(id, "RUN");
                waitUntil(() -> countLines(id, "RUN") > runs, Duration.ofSeconds(5));
                print("demo", "SIGSTOP " + id + ", the leader, in the middle of a job run, for " + 2 * SESSION.toMillis()
                        + " ms: past its deadline, like a long GC pause");
                cause = "failover after SIGSTOP";
                Processes.signal(processes.get(id), "STOP");
                sleep(SESSION.multipliedBy(2));
                print("demo", "SIGCONT " + id + ": it must find its term over, and its in-flight write must be fenced off");
                Processes.signal(processes.get(id), "CONT");
            }
            at(t0, 0.75);
            leader().ifPresent(id -> {
                print("demo", "asking " + id + ", the leader, to resign");
                cause = "handover after resign";
                send(id, "resign");
            });
            at(t0, 1.0);
            print("demo", "stopping");
            processes.keySet().forEach(id -> send(id, "exit"));
            for (Process p : processes.values()) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        } finally {
            killAll();
        }
        return summary();
    }

    private int summary() {
        long maxOverlap = 0;
        boolean increasing = true;
        synchronized (this) {
            long now = System.nanoTime();
            for (int i = 0; i < terms.size(); i++) {
                Term a = terms.get(i);
                if (i > 0 && a.token <= terms.get(i - 1).token) {
                    increasing = false;
                }
                for (int j = i + 1; j < terms.size(); j++) {
                    Term b = terms.get(j);
                    long overlap = Math.min(end(a, now), end(b, now)) - Math.max(a.start, b.start);
                    maxOverlap = Math.max(maxOverlap, overlap);
                }
            }
            print("demo", String.format("fenced resource: %d writes accepted, %d stale writes rejected", accepted, rejected));
            long overlapMs = (maxOverlap + 999_999) / 1_000_000;
            int staleAccepted = staleWritesAccepted();
            boolean ok = overlapMs == 0 && staleAccepted == 0 && increasing && terms.size() >= 2;
            System.out.printf("summary terms=%d failovers=%d handovers=%d max_overlap_ms=%d stale_writes_accepted=%d stale_writes_rejected=%d"
                    + " tokens_increasing=%s%n", terms.size(), failovers, handovers, overlapMs, staleAccepted, rejected, increasing);
            System.out.flush();
            return ok ? 0 : 1;
        }
    }

    /** Audits the resource's log on its own: an accepted write below a token seen before it is a stale write let through. */
    private int staleWritesAccepted() {
        long seen = Long.MIN_VALUE;
        int stale = 0;
        for (long entry : resourceLog) {
            long token = Math.abs(entry);
            if (entry < 0 && token < seen) {
                stale++;
            }
            seen = Math.max(seen, token);
        }
        return stale;
    }

    private static long end(Term t, long now) {
        return Math.min(t.end, now);
    }

    private synchronized Optional<String> leader() {
        return terms.stream().filter(t -> t.end == Long.MAX_VALUE).map(t -> t.id).reduce((a, b) -> b);
    }

    private void spawn(String uri) {
        String id = "p" + nextId++;
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                DemoParticipant.class.getName(), uri, id);
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            synchronized (this) {
                processes.put(id, p);
            }
            Thread reader = new Thread(() -> read(id, p), "elector-demo-" + id);
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start participant " + id + ": " + e.getMessage(), e);
        }
    }

    private final Map<String, Map<String, Integer>> lineCounts = new LinkedHashMap<>();

    private void read(String id, Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                handle(id, line.split(" "));
            }
        } catch (IOException | RuntimeException e) {
            // the participant was killed
        }
    }

    private synchronized void handle(String id, String[] f) {
        lineCounts.computeIfAbsent(id, k -> new LinkedHashMap<>()).merge(f[0], 1, Integer::sum);
        switch (f[0]) {
            case "READY" -> print(id, "joined the election");
            case "ELECTED" -> {
                long token = Long.parseLong(f[1]);
                terms.add(new Term(id, token, Long.parseLong(f[2])));
                // Announcing the new token to the resource is a new leader's first act: from here on, no
                // write with an older token gets through.
                highestToken = Math.max(highestToken, token);
                resourceLog.add(token);
                String how = terms.size() == 1 ? "first election" : cause;
                if (cause.startsWith("failover")) {
                    failovers++;
                } else if (cause.startsWith("handover")) {
                    handovers++;
                }
                cause = "handover after the leader left";
                print(id, String.format("ELECTED    token %d  (%s)", token, how));
            }
            case "REVOKED" -> {
                long token = Long.parseLong(f[1]);
                terms.stream().filter(t -> t.id.equals(id) && t.token == token).forEach(t -> t.end = Math.min(Long.parseLong(f[2]), Long.parseLong(f[3])));
                print(id, String.format("revoked    token %d  (%s)", token, f[4]));
            }
            case "WRITE" -> {
                long token = Long.parseLong(f[1]);
                if (token >= highestToken) {
                    highestToken = token;
                    accepted++;
                    resourceLog.add(-token);
                    print(id, String.format("write      token %d  accepted", token));
                } else {
                    rejected++;
                    print(id, String.format("write      token %d  REJECTED by the fenced resource: it has seen token %d", token, highestToken));
                }
            }
            default -> { }
        }
    }

    private synchronized int countLines(String id, String kind) {
        return lineCounts.getOrDefault(id, Map.of()).getOrDefault(kind, 0);
    }

    private void kill(String id) {
        Process p;
        synchronized (this) {
            p = processes.remove(id);
            long now = System.nanoTime();
            terms.stream().filter(t -> t.id.equals(id) && t.end == Long.MAX_VALUE).forEach(t -> t.end = now);
        }
        p.destroyForcibly();
    }

    private void send(String id, String command) {
        Process p;
        synchronized (this) {
            p = processes.get(id);
        }
        try {
            OutputStream out = p.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // it is gone already
        }
    }

    private synchronized void killAll() {
        processes.values().forEach(Process::destroyForcibly);
    }

    private void print(String who, String what) {
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        System.out.printf("[%6.1fs] %-5s %s%n", seconds, who, what);
        System.out.flush();
    }

    private void at(long t0, double fraction) throws InterruptedException {
        long target = t0 + (long) (duration.toNanos() * fraction);
        sleep(Duration.ofNanos(Math.max(0, target - System.nanoTime())));
    }

    private static void sleep(Duration d) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(d.toNanos());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the demo waited " + limit.toSeconds() + "s for something that did not happen");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
