package dev.elector.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a cluster: its tests take a {@link TestCluster}, a ready
 * {@link dev.elector.Coordinator}, or the URI as a {@link ClusterUri @ClusterUri String}, as parameters. The cluster is started once for the class and stopped
 * after it, or shared by {@link #shared() name}; each test gets a namespace of its own, and whatever
 * coordinator or route a test was handed or opened through the handle is closed after it. The same
 * settings can come from a field instead: {@code @RegisterExtension static ElectorClusterExtension
 * cluster = ElectorClusterExtension.builder()...build();}.
 *
 * <pre>{@code
 * @ElectorCluster(backend = ElectorCluster.Backend.IN_MEMORY)
 * class ReportJobTest {
 *     @Test
 *     void theJobMovesWhenTheLeaderIsLost(TestCluster cluster) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(ElectorClusterExtension.class)
public @interface ElectorCluster {
    /**
     * Which cluster.
     *
     * @return the tier
     */
    Backend backend() default Backend.IN_MEMORY;

    /**
     * Members of a real cluster: 1 or 3 (the in-memory tier has none, the embedded one 1, Raft 3).
     *
     * @return the member count
     */
    int nodes() default 3;

    /**
     * The session timeout every URI of the handle asks for, in Elector's duration syntax.
     *
     * @return the session timeout, e.g. {@code "3s"}
     */
    String sessionTimeout() default "3s";

    /**
     * A name to share the cluster by: every test class that asks for the same name gets the same cluster,
     * started once and stopped when all tests are done. Empty: the class's own, stopped after it.
     *
     * @return the name, or empty
     */
    String shared() default "";

    /** The tiers. */
    enum Backend {
        /**
         * {@code mem://}: no ports, no processes, and a {@link ManualClock}: a session timeout passes in
         * {@link TestCluster#advance}. Faults are scripted: expire a session, delete an entry, refuse
         * renewals. For fast unit tests of leader-only code.
         */
        IN_MEMORY,
        /**
         * One real ZooKeeper server inside the test's JVM: no processes, a second to start. It can be
         * killed and restarted (stopped and started on its data) but not paused; its tick is 200 ms, so
         * sessions of 400ms to 4s.
         */
        EMBEDDED_ZOOKEEPER,
        /** A real ZooKeeper ensemble, each member a JVM of its own on loopback (needs only Java). */
        ZOOKEEPER,
        /**
         * A real etcd cluster from the {@code etcd} binary that {@code -Delector.test.etcd=/path/to/etcd} or
         * the environment variable {@code ELECTOR_TEST_ETCD} names, or else the one on the PATH; skipped,
         * with the reason, without one. No Docker: the kit runs no containers.
         */
        ETCD,
        /**
         * A real {@code raft://} group of 3 voters, each a JVM of its own on loopback (needs {@code elector-raft}
         * on the test classpath); the handle's coordinators are its clients. Sessions of at least 3s.
         */
        RAFT
    }
}
