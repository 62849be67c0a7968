package dev.elector.bench;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.EtcdCluster;
import dev.elector.test.cluster.TcpProxy;
import dev.elector.test.cluster.ZooKeeperCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;

/**
 * The bench part {@code scale}: N elections of one candidate each on one coordinator (one session or
 * lease), the time until all lead, and the time until all lead again after the coordinator's traffic was
 * held past the session timeout and let through again. Beside it: the raw recipes doing the same, and the
 * server's own limit, one client pipelining N creates (or puts with a lease), a thousand in flight.
 */
final class Scale {
    /** How long a result may take before the part gives up on it. */
    private static final Duration LIMIT = Duration.ofMinutes(5);
    /**
     * Requests the limit keeps in flight: etcd refuses proposals beyond 5,000 committed but not yet applied
     * ("too many requests"), so an unbounded burst measures the refusal, not the rate.
     */
    private static final int WINDOW = 1000;

    /** Seconds until all joined and led, until all led again from the heal, and the heap each election held. */
    record Result(double joinSeconds, double recoverSeconds, double heapPerElection) {
    }

    private Scale() {
    }

    /**
     * One run of either side: how many lead now, and when all N first led. Each side's listener calls
     * {@link #elected()} and {@link #revoked()}.
     */
    private static final class Run {
        final int n;
        final AtomicInteger leading = new AtomicInteger();
        final CountDownLatch allElected;
        long heap0;
        long t0;

        Run(int n) {
            this.n = n;
            this.allElected = new CountDownLatch(n);
        }

        /** Marks the start: the heap as it is, then the clock. */
        void start() {
            heap0 = usedHeap();
            t0 = System.nanoTime();
        }

        void elected() {
            leading.incrementAndGet();
            allElected.countDown();
        }

        void revoked() {
            leading.decrementAndGet();
        }

        /** Waits until all N led, then holds the traffic past the session timeout and times the recovery. */
        Result measure(String who, List<TcpProxy> proxies, Duration sessionTimeout) throws Exception {
            if (!allElected.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(who + ": only " + (n - allElected.getCount()) + " of " + n + " led within " + LIMIT);
            }
            double join = (System.nanoTime() - t0) / 1e9;
            double heap = Math.max(0, usedHeap() - heap0) / (double) n;
            double recover = holdAndHeal(proxies, sessionTimeout, leading::get, n);
            return new Result(join, recover, heap);
        }
    }

    /** Elector: N elections on one coordinator that reaches the members through proxies. */
    static Result elector(ClusterUnderTest cluster, String namespace, int n) throws Exception {
        List<TcpProxy> proxies = cluster.addresses().stream().map(TcpProxy::new).toList();
        Run run = new Run(n);
        ElectionListener count = new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                run.elected();
            }

            @Override
            public void revoked(Leadership term, RevocationReason reason) {
                run.revoked();
            }
        };
        try (Coordinator c = Coordinator.connect(cluster.uriFor(proxies.stream().map(TcpProxy::address).toList(), namespace))) {
            run.start();
            List<Election> all = new ArrayList<>(n); // held, as a user holds them: their heap counts
            for (int i = 0; i < n; i++) {
                Election e = c.election("s" + i, ElectionOptions.builder().participantId("p").build());
                e.addListener(count);
                all.add(e.start());
            }
            return run.measure("Elector", proxies, cluster.sessionTimeout());
        } finally {
            proxies.forEach(TcpProxy::close);
        }
    }

    /** Raw Curator: N LeaderLatch on one CuratorFramework that reaches the members through proxies. */
    static Result curator(ZooKeeperCluster cluster, String namespace, int n) throws Exception {
        List<TcpProxy> proxies = cluster.addresses().stream().map(TcpProxy::new).toList();
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(String.join(",", proxies.stream().map(TcpProxy::address).toList())).namespace(namespace)
                .sessionTimeoutMs((int) cluster.sessionTimeout().toMillis()).connectionTimeoutMs(5000)
                .retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
        Run run = new Run(n);
        List<LeaderLatch> latches = new ArrayList<>(n);
        try {
            client.start();
            client.blockUntilConnected(10, TimeUnit.SECONDS);
            run.start();
            for (int i = 0; i < n; i++) {
                LeaderLatch latch = new LeaderLatch(client, "/s" + i, "p");
                latch.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        run.elected();
                    }

                    @Override
                    public void notLeader() {
                        run.revoked();
                    }
                });
                latch.start();
                latches.add(latch);
            }
            return run.measure("LeaderLatch", proxies, cluster.sessionTimeout());
        } finally {
            for (LeaderLatch latch : latches) {
                try {
                    latch.close(LeaderLatch.CloseMode.SILENT);
                } catch (Exception e) {
                    // closing anyway
                }
            }
            client.close();
            proxies.forEach(TcpProxy::close);
        }
    }

    /**
     * Raw jetcd: one lease kept alive by jetcd, N campaigns, a window of them in flight. Only the join is measured: jetcd's
     * election gives no recovery of its own once the lease expired, and the re-grant-and-campaign loop a
     * user would write around it is not written here.
     */
    static double jetcdJoin(EtcdCluster cluster, String namespace, int n) throws Exception {
        try (Client client = Client.builder().endpoints(cluster.addresses().stream().map(a -> "http://" + a).toArray(String[]::new)).build()) {
            long lease = RawRecipe.EtcdElection.lease(client, cluster.sessionTimeout().toSeconds());
            long t0 = System.nanoTime();
            List<CompletableFuture<?>> campaigns = new ArrayList<>(n);
            Semaphore window = new Semaphore(WINDOW); // unbounded, etcd refuses part of the burst: "too many requests"
            for (int i = 0; i < n; i++) {
                window.acquire();
                campaigns.add(client.getElectionClient().campaign(bytes("/" + namespace + "/s" + i), lease, bytes("p"))
                        .whenComplete((ok, error) -> window.release()));
            }
            CompletableFuture.allOf(campaigns.toArray(CompletableFuture[]::new)).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            double join = (System.nanoTime() - t0) / 1e9;
            client.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
            return join;
        }
    }

    /** The server's own limit on ZooKeeper: one Curator client, N ephemeral sequential creates in the background, a window in flight. */
    static double zooKeeperLimit(ZooKeeperCluster cluster, String namespace, int n) throws Exception {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(cluster.connectString()).namespace(namespace)
                .sessionTimeoutMs((int) cluster.sessionTimeout().toMillis()).connectionTimeoutMs(5000)
                .retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
        try {
            client.start();
            client.blockUntilConnected(10, TimeUnit.SECONDS);
            client.create().creatingParentsIfNeeded().forPath("/limit");
            CountDownLatch answered = new CountDownLatch(n);
            AtomicInteger failed = new AtomicInteger();
            Semaphore window = new Semaphore(WINDOW);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                window.acquire();
                client.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).inBackground((c, event) -> {
                    if (event.getResultCode() != 0) {
                        failed.incrementAndGet();
                    }
                    window.release();
                    answered.countDown();
                }).forPath("/limit/c-", new byte[] {'p'});
            }
            if (!answered.await(LIMIT.toSeconds(), TimeUnit.SECONDS) || failed.get() > 0) {
                throw new IllegalStateException("the pipelined creates did not all succeed: " + failed.get() + " failed");
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            client.close();
        }
    }

    /** The server's own limit on etcd: one jetcd client, N puts bound to one lease, a window of them in flight. */
    static double etcdLimit(EtcdCluster cluster, String namespace, int n) throws Exception {
        try (Client client = Client.builder().endpoints(cluster.addresses().stream().map(a -> "http://" + a).toArray(String[]::new)).build()) {
            long lease = client.getLeaseClient().grant(60).get(10, TimeUnit.SECONDS).getID(); // outlives the puts without keep-alives
            PutOption withLease = PutOption.builder().withLeaseId(lease).build();
            long t0 = System.nanoTime();
            List<CompletableFuture<?>> puts = new ArrayList<>(n);
            Semaphore window = new Semaphore(WINDOW);
            for (int i = 0; i < n; i++) {
                window.acquire();
                ByteSequence key = bytes("/" + namespace + "/limit/" + i);
                // The write Elector's create is: a put bound to the lease, guarded by the key being new.
                puts.add(client.getKVClient().txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                        .Then(Op.put(key, bytes("p"), withLease)).commit()
                        .whenComplete((ok, error) -> window.release()));
            }
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            double took = (System.nanoTime() - t0) / 1e9;
            client.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
            return took;
        }
    }

    /**
     * Holds all traffic through the proxies for the session timeout plus two seconds, so the server expires
     * the session, checks that every leader stepped down, lets traffic through again, and returns the
     * seconds from then until all N lead again.
     */
    private static double holdAndHeal(List<TcpProxy> proxies, Duration sessionTimeout, IntSupplier leading, int n) throws Exception {
        proxies.forEach(p -> p.block(TcpProxy.Direction.TO_SERVER, TcpProxy.Direction.TO_CLIENT));
        long held = System.nanoTime() + sessionTimeout.plusSeconds(2).toNanos();
        while (System.nanoTime() - held < 0) {
            TimeUnit.MILLISECONDS.sleep(50); // a fixed hold, not a wait for a condition
        }
        if (leading.getAsInt() != 0) {
            throw new IllegalStateException(leading.getAsInt() + " still believed they led after the session timeout without traffic");
        }
        long healed = System.nanoTime();
        proxies.forEach(TcpProxy::heal);
        long deadline = healed + LIMIT.toNanos();
        while (leading.getAsInt() < n) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + leading.getAsInt() + " of " + n + " led again within " + LIMIT + " of the heal");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return (System.nanoTime() - healed) / 1e9;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
