package dev.elector.bench;

import static org.awaitility.Awaitility.await;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.Leadership;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.ParticipantMain;
import dev.elector.test.cluster.Processes;
import dev.elector.test.cluster.EtcdCluster;
import dev.elector.test.cluster.RaftCluster;
import dev.elector.test.cluster.TcpProxy;
import dev.elector.test.cluster.ProcessEnsemble;
import dev.elector.test.cluster.ZooKeeperCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Elector beside the raw recipes, measured in one run against the same real clusters, interleaved where
 * both are measured, and reported as ratios. Run by {@code bench/run}. Machines here are shared and noisy:
 * read the ratios, not the absolute times.
 */
public final class Bench {
    private static final Duration TTL = Duration.ofSeconds(3);

    /** One figure of the report. */
    private record Figure(String name, double value, String unit, String baseline, Double baselineValue) {
        Double ratio() {
            return baselineValue == null || baselineValue == 0 ? null : value / baselineValue;
        }
    }

    private final boolean quick;
    /** The parts to run ({@code --only handover,herd}); all when empty. */
    private final List<String> only;
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    private Bench(boolean quick, List<String> only) {
        this.quick = quick;
        this.only = only;
    }

    public static void main(String[] args) throws Exception {
        List<String> flags = Arrays.asList(args);
        if (flags.contains("--disk")) {
            System.setProperty("elector.cluster.disk", "true");
        }
        int at = flags.indexOf("--only");
        List<String> only = at >= 0 && at + 1 < flags.size() ? List.of(flags.get(at + 1).split(",")) : List.of();
        Bench bench = new Bench(flags.contains("--quick"), only);
        bench.run();
        System.exit(0);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        String storage = Processes.dataRoot().toString().startsWith("/dev/shm") ? "tmpfs (/dev/shm)" : "disk (" + Processes.dataRoot() + ")";
        try (ZooKeeperCluster zk = new ZooKeeperCluster(ProcessEnsemble.start(3)); EtcdCluster etcd = EtcdCluster.start(3)) {
            for (ClusterUnderTest cluster : List.<ClusterUnderTest>of(zk, etcd)) {
                String b = cluster == zk ? "zk" : "etcd";
                RawRecipe raw = cluster == zk ? new RawRecipe.Latch(zk) : new RawRecipe.EtcdElection(etcd);
                if (wanted("handover")) {
                    log("%s: graceful handover", b);
                    handover(cluster, b, raw, quick ? 200 : 500);
                }
                if (wanted("failover")) {
                    log("%s: crash failover", b);
                    failover(cluster, b, raw, quick ? 2 : 10);
                }
                if (wanted("herd")) {
                    log("%s: herd and mass join", b);
                    herd(cluster, b, quick ? 200 : 1000);
                }
                if (wanted("many")) {
                    log("%s: many elections on one coordinator", b);
                    manyElections(cluster, b, quick ? 1000 : 10_000);
                }
                if (wanted("scale")) {
                    log("%s: %d elections joining and recovering on one coordinator", b, quick ? 2000 : 10_000);
                    scale(cluster, b, quick ? 2000 : 10_000);
                }
                if (b.equals("zk") && wanted("hot")) {
                    log("hot path");
                    hotPath(zk);
                }
            }
        }
        // Started only now, so that its voters' heartbeats are not in the other backends' figures. raft:// has
        // no raw recipe to race: nothing else runs an election on a Ratis group.
        try (RaftCluster raft = RaftCluster.start(3)) {
            if (wanted("handover")) {
                log("raft: graceful handover");
                handover(raft, "raft", null, quick ? 200 : 500);
            }
            if (wanted("failover")) {
                log("raft: crash failover");
                failover(raft, "raft", null, quick ? 2 : 10);
            }
            if (wanted("many")) {
                log("raft: 1,000 elections on one coordinator");
                manyElections(raft, "raft", 1000);
            }
        }
        write(storage, Duration.ofNanos(System.nanoTime() - started));
    }

    private boolean wanted(String part) {
        return only.isEmpty() || only.contains(part);
    }

    // ---- 1. graceful handover ------------------------------------------------------------------------------

    /**
     * Two ways to give way, each interleaved with the raw recipe. {@code close()} does what the raw side's
     * timed step does (LeaderLatch.close(), jetcd's resign): delete the entry; the closed side joins again
     * after the clock stops, as the raw side does. {@code resign()} also joins again at the back inside the
     * call, so that work competes with the successor's claim on the same cores.
     */
    private void handover(ClusterUnderTest cluster, String b, RawRecipe raw, int n) throws Exception {
        String ns = "bench-handover-" + b;
        String what = "handover";
        Function<String, ElectionOptions> options = id -> ElectionOptions.builder().participantId(id).build();
        BlockingQueue<Long> elected = new LinkedBlockingQueue<>();
        ElectionListener timing = new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                elected.add(System.nanoTime());
            }
        };
        int rounds = 2 * n;
        long[] byClose = new long[n];
        long[] byResign = new long[rounds - n];
        long[] baseline = new long[rounds];
        int closes = 0;
        int resigns = 0;
        try (Coordinator c1 = Coordinator.connect(cluster.uri(ns)); Coordinator c2 = Coordinator.connect(cluster.uri(ns));
             RawRecipe.Pair pair = raw == null ? null : raw.pair("handover")) {
            Coordinator[] coordinators = {c1, c2};
            Election[] elections = new Election[2];
            for (int i = 0; i < 2; i++) {
                elections[i] = coordinators[i].election("handover", options.apply("p" + i));
                elections[i].addListener(timing);
                elections[i].start();
                if (i == 0) {
                    elections[0].awaitLeadership(Duration.ofSeconds(30));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> elections[0].participants().size() == 2);
            elected.clear();
            for (int i = 0; i < rounds; i++) {
                // Interleaved: one Elector handover, then one raw handover, so both see the same noise.
                int leader = elections[0].isLeader() ? 0 : 1;
                long t0 = System.nanoTime();
                if (i % 2 == 0) {
                    elections[leader].close();
                    byClose[closes++] = poll(elected) - t0;
                    elections[leader] = coordinators[leader].election("handover", options.apply("p" + leader));
                    elections[leader].addListener(timing);
                    elections[leader].start();
                    Election other = elections[1 - leader];
                    await().atMost(Duration.ofSeconds(30)).until(() -> other.participants().size() == 2);
                } else {
                    elections[leader].resign();
                    byResign[resigns++] = poll(elected) - t0;
                }
                baseline[i] = pair == null ? 0 : pair.handover();
            }
        }
        String label = raw == null ? null : b.equals("zk") ? "Curator LeaderLatch (close, then the next isLeader)"
                : "jetcd Election (resign, then the next campaign completes)";
        percentiles(what, b, byClose, baseline, label, "close()");
        percentiles(what + "_resign", b, byResign, baseline, label, "resign(), which also joins again");
        notes.put(what + "_" + b, String.format(Locale.ROOT, "%d handovers by close() and %d by resign(), each followed by one raw handover"
                + " (%d raw in all, none on raft://); the successor reads its position once before it claims; Elector's listeners run on the"
                + " election's listener thread; goal: p50 ratio <= 1.10, p99 ratio <= 1.25", n, rounds - n, rounds));
    }

    private static long poll(BlockingQueue<Long> queue) throws InterruptedException {
        Long at = queue.poll(30, TimeUnit.SECONDS);
        if (at == null) {
            throw new IllegalStateException("no election within 30 s");
        }
        return at;
    }

    private void percentiles(String what, String b, long[] elector, long[] baseline, String label, String how) {
        long[] e = elector.clone();
        long[] r = baseline.clone();
        Arrays.sort(e);
        Arrays.sort(r);
        for (String p : List.of("p50", "p99", "max")) {
            figures.add(new Figure(what + "_" + p + "_" + b, e[rank(p, e.length)] / 1e6, "ms (" + how + ")", label,
                    label == null ? null : r[rank(p, r.length)] / 1e6));
        }
    }

    private static int rank(String percentile, int count) {
        return switch (percentile) {
            case "p50" -> (count - 1) / 2;
            case "p99" -> (int) Math.ceil(count * 0.99) - 1;
            default -> count - 1;
        };
    }

    // ---- 2. crash failover ---------------------------------------------------------------------------------

    private void failover(ClusterUnderTest cluster, String b, RawRecipe raw, int trials) throws Exception {
        long[] elector = new long[trials];
        long[] baseline = new long[trials];
        for (int i = 0; i < trials; i++) {
            String ns = "bench-failover-" + b + "-" + i;
            String uri = cluster.uri(ns);
            elector[i] = killAndTime(List.of(ParticipantMain.class.getName(), uri, "crash", "child"), () -> {
                Coordinator c = Coordinator.connect(uri);
                BlockingQueue<Long> elected = new LinkedBlockingQueue<>();
                Election e = c.election("crash", ElectionOptions.builder().participantId("follower").build());
                e.addListener(new ElectionListener() {
                    @Override
                    public void elected(Leadership term) {
                        elected.add(System.nanoTime());
                    }
                });
                e.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> e.participants().size() == 2);
                return new Follower(elected, c);
            });
            baseline[i] = raw == null ? 0 : killAndTime(raw.childCommand(ns, "crash"), () -> raw.follower(ns, "crash"));
        }
        long[] e = elector.clone();
        long[] r = baseline.clone();
        Arrays.sort(e);
        Arrays.sort(r);
        double ttl = TTL.toMillis();
        String label = raw == null ? null : b.equals("zk") ? "Curator LeaderLatch" : "jetcd Election";
        figures.add(new Figure("failover_p50_ratio_" + b, e[(e.length - 1) / 2] / 1e6 / ttl, "x TTL", label, label == null ? null : r[(r.length - 1) / 2] / 1e6 / ttl));
        figures.add(new Figure("failover_max_ratio_" + b, e[e.length - 1] / 1e6 / ttl, "x TTL", label, label == null ? null : r[r.length - 1] / 1e6 / ttl));
        notes.put("failover_" + b, trials + " SIGKILLs each, both sides with a " + TTL.toSeconds()
                + " s session timeout or TTL; goal: p50 ratio at most 1.0 plus the server's expiry step, and no worse than raw");
    }

    /** The follower side of a failover trial: when it was elected, and what to close afterwards. */
    record Follower(BlockingQueue<Long> elected, AutoCloseable resource) {
    }

    interface FollowerFactory {
        Follower start() throws Exception;
    }

    private static long killAndTime(List<String> child, FollowerFactory followerFactory) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        command.addAll(child);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null && !line.startsWith("ELECTED"); line = out.readLine()) {
                // wait for the child to lead
            }
            Follower follower = followerFactory.start();
            try (AutoCloseable closing = follower.resource()) {
                long killed = System.nanoTime();
                p.destroyForcibly();
                return poll(follower.elected()) - killed;
            }
        } finally {
            p.destroyForcibly();
        }
    }

    // ---- 3. herd and 5. mass join ---------------------------------------------------------------------------

    private void herd(ClusterUnderTest cluster, String b, int n) throws Exception {
        String ns = "bench-herd-" + b;
        // The coordinator reaches the members through counting proxies: bytes read are measured on the wire.
        List<TcpProxy> proxies = cluster.addresses().stream().map(TcpProxy::new).toList();
        try (Coordinator c = Coordinator.connect("count+" + cluster.uriFor(proxies.stream().map(TcpProxy::address).toList(), ns))) {
            List<Election> all = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                all.add(c.election("herd", ElectionOptions.builder().participantId("p" + i).build()).start());
            }
            await().atMost(Duration.ofMinutes(5)).until(() -> all.stream().anyMatch(Election::isLeader));
            long firstLeader = System.nanoTime() - t0;
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> all.get(0).participants().size() == n);
            long joined = System.nanoTime() - t0;
            figures.add(new Figure("mass_join_all_" + b, joined / 1e6, "ms", null, null));
            figures.add(new Figure("mass_join_first_leader_" + b, firstLeader / 1e6, "ms", null, null));
            // Joining ends with each candidate's watches; count the changes once no call was made for a second.
            long[] last = {-1};
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                long now = CountingBackendProvider.REQUESTS.get();
                boolean quiet = now == last[0];
                last[0] = now;
                return quiet;
            });
            int changes = 20;
            long notifications = CountingBackendProvider.NOTIFICATIONS.get();
            long requests = CountingBackendProvider.REQUESTS.get();
            long read = bytesRead(proxies);
            long changing = System.nanoTime();
            for (int i = 0; i < changes; i++) {
                Election leader = all.stream().filter(Election::isLeader).findFirst().orElseThrow();
                leader.resign();
                await().atMost(Duration.ofSeconds(30)).until(() -> all.stream().anyMatch(e -> e != leader && e.isLeader()));
            }
            await().pollDelay(Duration.ofMillis(500)).until(() -> true); // let the last notifications land
            double seconds = (System.nanoTime() - changing) / 1e9;
            long changeBytes = bytesRead(proxies) - read;
            // The same coordinator idle for as long: renewals and their answers, to take out of the figure.
            long idle0 = bytesRead(proxies);
            long idleStart = System.nanoTime();
            await().pollDelay(Duration.ofMillis((long) (seconds * 1000))).until(() -> true);
            double idleRate = (bytesRead(proxies) - idle0) / ((System.nanoTime() - idleStart) / 1e9);
            figures.add(new Figure("herd_notifications_per_change_" + b, (CountingBackendProvider.NOTIFICATIONS.get() - notifications) / (double) changes,
                    "notifications", null, null));
            figures.add(new Figure("herd_backend_calls_per_change_" + b, (CountingBackendProvider.REQUESTS.get() - requests) / (double) changes,
                    "calls", null, null));
            figures.add(new Figure("herd_bytes_read_per_change_" + b, Math.max(0, changeBytes - idleRate * seconds) / changes, "bytes", null, null));
            notes.put("herd_" + b, n + " candidates in one election on one coordinator, " + changes + " changes by resign; a change counts the"
                    + " resigning leader's own re-join. Calls are SPI calls: on ZooKeeper a position is one getChildren, whose reply grows with"
                    + " the queue; on etcd it is one range with limit 2. Bytes read: what the coordinator received on the wire (through"
                    + " counting proxies) during the changes, less its idle rate over the same time (" + Math.round(idleRate) + " B/s, renewals).");
        } finally {
            proxies.forEach(TcpProxy::close);
        }
    }

    private static long bytesRead(List<TcpProxy> proxies) {
        return proxies.stream().mapToLong(p -> p.bytes(TcpProxy.Direction.TO_CLIENT)).sum();
    }

    // ---- 4. many elections on one coordinator ---------------------------------------------------------------

    private void manyElections(ClusterUnderTest cluster, String b, int n) throws Exception {
        String ns = "bench-many-" + b;
        long sessions = CountingBackendProvider.SESSIONS.get();
        try (Coordinator c = Coordinator.connect("count+" + cluster.uri(ns))) {
            Election first = c.election("warm-up").start();
            first.awaitLeadership(Duration.ofSeconds(30));
            double renewalsAlone = renewalsPerSecond();
            long heap0 = usedHeap();
            double streams0 = cluster instanceof EtcdCluster etcd ? etcd.gauge("etcd_debugging_mvcc_watch_stream_total") : 0;
            double watchers0 = cluster instanceof EtcdCluster etcd ? etcd.gauge("etcd_debugging_mvcc_watcher_total") : 0;
            Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
            List<Election> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(c.election("e" + i).start());
            }
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() -> all.stream().allMatch(Election::isLeader));
            // Threads started meanwhile, leaving out the bench's own (Awaitility's poller, the metrics reader).
            Map<String, Long> added = Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !threadsBefore.contains(t))
                    .map(t -> t.getName().replaceAll("[-0-9]+$", "")).filter(name -> !name.startsWith("awaitility") && !name.startsWith("HttpClient"))
                    .collect(Collectors.groupingBy(name -> name, TreeMap::new, Collectors.counting()));
            long threadsAdded = added.values().stream().mapToLong(Long::longValue).sum();
            long heap1 = usedHeap();
            double renewalsMany = renewalsPerSecond();
            // Threads added while n elections started; the coordinator's fixed pools may grow to their bounds.
            figures.add(new Figure("threads_per_election_" + b, threadsAdded / (double) n, "threads", null, null));
            figures.add(new Figure("threads_added_" + b, threadsAdded, "threads", null, null));
            figures.add(new Figure("heap_per_election_" + b, Math.max(0, heap1 - heap0) / (double) n, "bytes", null, null));
            figures.add(new Figure("sessions_" + b, CountingBackendProvider.SESSIONS.get() - sessions, "sessions or leases", null, null));
            figures.add(new Figure("renewals_per_second_" + b, renewalsMany, "renewals/s", "the same coordinator with 1 election", renewalsAlone));
            if (cluster instanceof EtcdCluster etcd) {
                figures.add(new Figure("watch_streams_per_election_etcd", (etcd.gauge("etcd_debugging_mvcc_watch_stream_total") - streams0) / n,
                        "streams", null, null));
                figures.add(new Figure("watchers_per_election_etcd", (etcd.gauge("etcd_debugging_mvcc_watcher_total") - watchers0) / n,
                        "watchers", null, null));
            }
            notes.put("threads_added_" + b, "by name: " + added + " (pools that grow to their fixed bounds, not threads per election)");
            notes.put("many_" + b, n + " elections on one coordinator, each leading; heap is the used heap after GC with all of them started,"
                    + " minus before, divided by " + n + " (goal: at most 2 KB each)");
        }
    }

    /**
     * Renewals per second between two renewals about 6 s apart, so the window holds whole periods only:
     * counting over a fixed window is off by up to one renewal.
     */
    private static double renewalsPerSecond() {
        long[] first = CountingBackendProvider.renewals();
        await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
        long[] last = CountingBackendProvider.renewals();
        return (last[0] - first[0]) / ((last[1] - first[1]) / 1e9);
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- 5. scale -------------------------------------------------------------------------------------------

    private void scale(ClusterUnderTest cluster, String b, int n) throws Exception {
        // The limit first, on a quiet cluster: after Elector's run the server still deletes 10,000 expired keys.
        double limit = cluster instanceof ZooKeeperCluster zk ? Scale.zooKeeperLimit(zk, "bench-scale-limit", n)
                : Scale.etcdLimit((EtcdCluster) cluster, "bench-scale-limit", n);
        log("%s: the server's limit: %.2f s", b, limit);
        Scale.Result elector = Scale.elector(cluster, "bench-scale-" + b, n);
        log("%s: Elector: %s", b, elector);
        String rawLabel;
        if (cluster instanceof ZooKeeperCluster zk) {
            Scale.Result raw = Scale.curator(zk, "bench-scale-raw", n);
            log("%s: raw Curator: %s", b, raw);
            rawLabel = n + " LeaderLatch on one CuratorFramework";
            figures.add(new Figure("scale_join_s_" + b, elector.joinSeconds(), "s until all " + n + " lead", rawLabel, raw.joinSeconds()));
            figures.add(new Figure("scale_recover_s_" + b, elector.recoverSeconds(), "s from the heal until all lead again", rawLabel, raw.recoverSeconds()));
            figures.add(new Figure("scale_heap_per_election_" + b, elector.heapPerElection(), "bytes", rawLabel, raw.heapPerElection()));
        } else {
            rawLabel = "jetcd, " + n + " campaigns on one lease, 1,000 in flight";
            figures.add(new Figure("scale_join_s_" + b, elector.joinSeconds(), "s until all " + n + " lead", rawLabel,
                    Scale.jetcdJoin((EtcdCluster) cluster, "bench-scale-raw", n)));
            figures.add(new Figure("scale_recover_s_" + b, elector.recoverSeconds(), "s from the heal until all lead again", null, null));
            figures.add(new Figure("scale_heap_per_election_" + b, elector.heapPerElection(), "bytes", null, null));
        }
        String what = b.equals("zk") ? n + " ephemeral sequential creates in Curator's background mode" : n + " creates (a txn: put bound to one lease if the key is new)";
        figures.add(new Figure("scale_join_vs_limit_" + b, elector.joinSeconds(), "s", "the server's limit: one client pipelining " + what + ", 1,000 in flight", limit));
        figures.add(new Figure("scale_recover_vs_limit_" + b, elector.recoverSeconds(), "s", "the same limit", limit));
        notes.put("scale_" + b, n + " elections of one candidate each on one coordinator, reaching the members through proxies; recovery:"
                + " all traffic held for the session timeout plus 2 s, then let through, timed from then until all lead again."
                + (b.equals("etcd") ? " Raw jetcd's recovery is not measured: jetcd's election does not recover from an expired lease"
                + " by itself, and the re-grant-and-campaign loop a user would write is not written here." : "")
                + " Goals: join and recovery at most 3 s each, or within 2x of the server's limit; at most 2 KB of heap per election"
                + " (the used heap after GC with all leading, minus before, over " + n + ").");
    }

    // ---- 6. hot path -----------------------------------------------------------------------------------------

    private void hotPath(ZooKeeperCluster cluster) throws Exception {
        Options options = new OptionsBuilder()
                .include(HotPath.class.getName())
                .forks(1)
                .warmupIterations(quick ? 1 : 5).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 10).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx256m", "-Dbench.zk=" + cluster.connectString(), "-Dbench.uri=" + cluster.uri("bench-hot"),
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .build();
        Map<String, Double> score = new LinkedHashMap<>();
        for (RunResult result : new Runner(options).run()) {
            String method = result.getParams().getBenchmark();
            score.put(method.substring(method.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
        }
        figures.add(new Figure("is_leader_ns", score.get("electorIsLeader"), "ns/call", "LeaderLatch.hasLeadership()", score.get("latchHasLeadership")));
        figures.add(new Figure("token_via_leadership_ns", score.get("electorLeadershipToken"), "ns/call", null, null));
        figures.add(new Figure("token_of_held_term_ns", score.get("electorHeldTermToken"), "ns/call", null, null));
        figures.add(new Figure("clock_read_ns", score.get("clockRead"), "ns/call", null, null));
        notes.put("hot_path", "JMH 1.37, average time, 1 fork, " + (quick ? "1 x 1 s warm-up, 2 x 1 s" : "5 x 1 s warm-up, 10 x 1 s")
                + " measured, leading on the ZooKeeper ensemble. isLeader() and isValid() read System.nanoTime() to check the term's"
                + " deadline (clock_read_ns is that read alone), which LeaderLatch's flag does not do: its flag stays true until a"
                + " ZooKeeper event turns it off. The token via leadership() adds an Optional.");
    }

    // ---- output -----------------------------------------------------------------------------------------------

    private void write(String storage, Duration took) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("Run: ").append(quick ? "bench/run --quick" : "bench/run").append(only.isEmpty() ? "" : " --only " + String.join(",", only)).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, data on ").append(storage).append(", session timeout or TTL ").append(TTL.toSeconds()).append(" s, took ")
                .append(took.toSeconds()).append(" s. Raw recipes run with the same session timeout or TTL as Elector.\n\n");
        md.append("| figure | Elector | unit | baseline | baseline value | ratio |\n|---|---|---|---|---|---|\n");
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < figures.size(); i++) {
            Figure f = figures.get(i);
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %s | %s | %s | %s |%n", f.name(), f.value(), f.unit(),
                    f.baseline() == null ? "-" : f.baseline(), f.baselineValue() == null ? "-" : String.format(Locale.ROOT, "%.3f", f.baselineValue()),
                    f.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", f.ratio())));
            json.append(String.format(Locale.ROOT, "  {\"name\": \"%s\", \"value\": %.4f, \"unit\": \"%s\", \"baseline\": %s, \"baseline_value\": %s}%s%n",
                    f.name(), f.value(), f.unit(), f.baseline() == null ? "null" : "\"" + f.baseline() + "\"",
                    f.baselineValue() == null ? "null" : String.format(Locale.ROOT, "%.4f", f.baselineValue()), i + 1 < figures.size() ? "," : ""));
        }
        json.append("]\n");
        md.append("\nNotes:\n");
        notes.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        String last = String.format(Locale.ROOT, "bench handover_p50_ratio_zk=%.2f handover_p50_ratio_etcd=%.2f handover_p99_ratio_zk=%.2f"
                        + " handover_p99_ratio_etcd=%.2f failover_p50_ratio_zk=%.2f"
                        + " failover_p50_ratio_etcd=%.2f herd_notifications_per_change=%.1f threads_per_election=%.3f"
                        + " scale_join_s_zk=%.2f scale_join_s_etcd=%.2f scale_recover_s_zk=%.2f scale_recover_s_etcd=%.2f"
                        + " handover_p50_ms_raft=%.1f failover_p50_ratio_raft=%.2f",
                ratio("handover_p50_zk"), ratio("handover_p50_etcd"), ratio("handover_p99_zk"), ratio("handover_p99_etcd"),
                value("failover_p50_ratio_zk"), value("failover_p50_ratio_etcd"),
                Math.max(value("herd_notifications_per_change_zk"), value("herd_notifications_per_change_etcd")),
                Math.max(value("threads_per_election_zk"), value("threads_per_election_etcd")),
                value("scale_join_s_zk"), value("scale_join_s_etcd"), value("scale_recover_s_zk"), value("scale_recover_s_etcd"),
                value("handover_p50_raft"), value("failover_p50_ratio_raft"));
        md.append('\n').append(last).append('\n');
        Path dir = Path.of("bench", "target");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench-report.md"), md.toString());
        Files.writeString(dir.resolve("bench-results.json"), json.toString());
        System.out.print(md);
    }

    private double value(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).mapToDouble(Figure::value).findFirst().orElse(Double.NaN);
    }

    private double ratio(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).map(Figure::ratio).filter(r -> r != null).mapToDouble(Double::doubleValue)
                .findFirst().orElse(Double.NaN);
    }

    private static void log(String format, Object... args) {
        System.err.printf("bench: " + format + "%n", args);
    }
}
