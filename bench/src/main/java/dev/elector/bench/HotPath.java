package dev.elector.bench;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.Leadership;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH benchmarks of what a leader-only job calls on every unit of work, on a real ZooKeeper ensemble: the
 * forked JVM joins the cluster given by {@code -Dbench.zk} (connect string) and {@code -Dbench.uri}
 * (Elector URI), and leads before measuring.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPath {
    private Coordinator coordinator;
    private Election election;
    private Leadership term;
    private CuratorFramework client;
    private LeaderLatch latch;

    /** Leads in Elector and in a LeaderLatch before any measurement. */
    @Setup
    public void lead() throws Exception {
        coordinator = Coordinator.connect(System.getProperty("bench.uri"));
        election = coordinator.election("hot").start();
        term = election.awaitLeadership(Duration.ofSeconds(30));
        client = CuratorFrameworkFactory.newClient(System.getProperty("bench.zk"), new ExponentialBackoffRetry(100, 3));
        client.start();
        latch = new LeaderLatch(client, "/bench-hot-raw");
        latch.start();
        if (!latch.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the LeaderLatch did not lead within 30 s");
        }
    }

    /** Leaves both. */
    @TearDown
    public void leave() throws Exception {
        latch.close();
        client.close();
        coordinator.close();
    }

    /**
     * Elector's local check: the term and its deadline against the clock.
     *
     * @return whether this process leads
     */
    @Benchmark
    public boolean electorIsLeader() {
        return election.isLeader();
    }

    /**
     * The token of the current term, looked up through the election.
     *
     * @return the fencing token
     */
    @Benchmark
    public long electorLeadershipToken() {
        return election.leadership().map(Leadership::fencingToken).orElse(-1L);
    }

    /**
     * The token read from a term the job holds, with the validity check a fenced write makes.
     *
     * @return the fencing token, or -1 once the term is over
     */
    @Benchmark
    public long electorHeldTermToken() {
        return term.isValid() ? term.fencingToken() : -1L;
    }

    /**
     * What the check costs at the least: one read of the monotonic clock, for the report's cause.
     *
     * @return the clock
     */
    @Benchmark
    public long clockRead() {
        return System.nanoTime();
    }

    /**
     * The baseline: Curator's flag.
     *
     * @return whether the latch leads
     */
    @Benchmark
    public boolean latchHasLeadership() {
        return latch.hasLeadership();
    }
}
