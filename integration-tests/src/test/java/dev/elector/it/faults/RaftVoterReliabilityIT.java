package dev.elector.it.faults;

import static org.awaitility.Awaitility.await;

import dev.elector.raft.RaftAdmin;
import dev.elector.test.cluster.Processes;
import dev.elector.test.cluster.RaftVoterGroup;
import dev.elector.test.cluster.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The faults that hit a node of an application that elects among its own nodes: the participants are the
 * voters of the raft:// group, each participant's JVM running its voter, and the faults strike the node
 * that hosts the leader. Each voter reaches every other through proxies of its own, so one voter can be cut
 * off from the others while they still reach each other. The same checks as {@link ReliabilityContract}'s
 * follow every trial; the leak check starts the voters again, bare, on their data, once everyone has left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class RaftVoterReliabilityIT {
    private static final int TRIALS = Integer.getInteger("reliability.trials", 1);
    private static final String BACKEND = "Raft, voters";

    private void trials(String scenario, Trial.Scenario<VoterTrial> body) throws Exception {
        Trial.run(scenario, BACKEND, TRIALS, VoterTrial::new, body);
    }

    @AfterAll
    void report() {
        ReliabilityReport.write();
    }

    /** One trial: a fresh group of three voters, each a participant running a leader-only job. */
    static final class VoterTrial extends Trial {
        final RaftVoterGroup group = RaftVoterGroup.create(3);
        private final Map<String, Integer> slotOf = new ConcurrentHashMap<>();
        private final List<Process> bare = new ArrayList<>();

        VoterTrial() {
            super("voters");
        }

        @Override
        Duration ttl() {
            return group.sessionTimeout();
        }

        String spawn(int slot) {
            String id = fleet.spawn(group.uri(slot, namespace));
            slotOf.put(id, slot);
            return id;
        }

        String start() {
            for (int slot = 0; slot < group.size(); slot++) {
                spawn(slot);
            }
            return awaitLeader(Duration.ofSeconds(60));
        }

        /** Starts a participant in the slot of one that was killed: its voter rejoins from its data. */
        String replace(String killed) {
            return spawn(slotOf.get(killed));
        }

        List<String> others(String id) {
            return fleet.ids().stream().filter(other -> !other.equals(id)).toList();
        }

        void cut(String id, TcpProxy.Direction... directions) {
            group.cut(slotOf.get(id), directions);
        }

        @Override
        void healNetwork() {
            group.heal();
        }

        /**
         * The entries left once everyone has left, read from the voters started again on their data: the last
         * participants to leave had no majority to close their sessions, which then expire after a TTL.
         */
        @Override
        int leaked() {
            for (int slot = 0; slot < group.size(); slot++) {
                bare.add(Processes.startJava("dev.elector.raft.RaftNode", List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=off"), List.of(group.uri(slot, "leak-check")), null, true));
            }
            try (RaftAdmin admin = RaftAdmin.connect(group.voters(), Duration.ofSeconds(10))) {
                await("no entries left").atMost(ttl().plus(Duration.ofSeconds(30))).ignoreExceptions()
                        .until(() -> admin.participants(namespace, Trial.ELECTION).isEmpty());
                return 0;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                try (RaftAdmin admin = RaftAdmin.connect(group.voters(), Duration.ofSeconds(10))) {
                    List<?> left = admin.participants(namespace, Trial.ELECTION);
                    note("left behind: " + left);
                    return left.size();
                } catch (RuntimeException unreadable) {
                    note("the restarted voters could not be read: " + unreadable);
                    return 1;
                }
            }
        }

        @Override
        public void close() {
            super.close();
            bare.forEach(Processes::kill);
            group.close();
        }
    }

    @Test
    void v01SigkillTheNodeHostingTheLeader() throws Exception {
        trials("V1 SIGKILL the node hosting the leader", t -> {
            String leader = t.start();
            t.fault();
            t.fleet.kill(leader);
            t.replace(leader);
            t.healed();
        });
    }

    @Test
    void v02SigstopTheNodeHostingTheLeaderPastItsDeadline() throws Exception {
        trials("V2 SIGSTOP the node hosting the leader past its deadline", t -> {
            String leader = t.start();
            int runs = t.fleet.count(leader, "RUN");
            await().atMost(Duration.ofSeconds(5)).until(() -> t.fleet.count(leader, "RUN") > runs);
            t.fault(); // in the middle of a job run, so its in-flight write must meet the fence after the resume
            t.pause(leader);
            Trial.hold(t.ttl().multipliedBy(2));
            t.resume(leader);
            t.healed();
        });
    }

    @Test
    void v03CutTheLeadersNodeOffBothWays() throws Exception {
        trials("V3 cut the leader's node off from the other voters, both ways", t -> {
            String leader = t.start();
            t.fault();
            t.cut(leader, TcpProxy.Direction.TO_SERVER, TcpProxy.Direction.TO_CLIENT);
            Trial.hold(t.ttl().multipliedBy(2));
            t.group.heal();
            t.healed();
        });
    }

    @Test
    void v04CutTheLeadersNodeOffOneWayThenTheOther() throws Exception {
        trials("V4 cut the leader's node off one way, then the next leader's the other way", t -> {
            String leader = t.start();
            t.fault();
            t.cut(leader, TcpProxy.Direction.TO_CLIENT); // it can send but not receive
            Trial.hold(t.ttl().multipliedBy(2));
            t.group.heal();
            String next = t.awaitLeader(t.ttl().plus(ReliabilityContract.LIVENESS_BOUND));
            t.cut(next, TcpProxy.Direction.TO_SERVER); // it can receive but not send
            Trial.hold(t.ttl().multipliedBy(2));
            t.group.heal();
            t.healed();
        });
    }

    @Test
    void v05QuorumLossThenRecovery() throws Exception {
        trials("V5 quorum loss (the two other nodes down), then recovery", t -> {
            String leader = t.start();
            int revoked = t.fleet.count(leader, "REVOKED");
            List<String> others = t.others(leader);
            t.fault();
            others.forEach(t.fleet::kill);
            try {
                // Alone, the leader's node commits nothing: the leader steps down by its own deadline.
                await("the leader steps down without a quorum").atMost(t.ttl().plusSeconds(2)).until(() -> t.fleet.count(leader, "REVOKED") > revoked);
            } finally {
                others.forEach(t::replace);
            }
            t.healed();
        });
    }

    @Test
    void v06RollingRestartOfEveryNode() throws Exception {
        trials("V6 rolling restart of every node", t -> {
            t.start();
            t.fault();
            for (String id : List.copyOf(t.fleet.ids())) {
                t.fleet.kill(id);
                String back = t.replace(id);
                await("the restarted node's participant joins").atMost(Duration.ofSeconds(60)).until(() -> t.fleet.count(back, "READY") > 0);
            }
            t.healed();
        });
    }

    @Test
    void v07Churn() throws Exception {
        trials("V7 churn: resignations and crashes of nodes", t -> {
            t.start();
            Random random = new Random(42);
            t.fault();
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() - end < 0) {
                if (random.nextInt(10) < 4) {
                    t.leaderNow().ifPresent(t.fleet::resign);
                } else {
                    List<String> ids = t.fleet.ids();
                    String victim = ids.get(random.nextInt(ids.size()));
                    t.fleet.kill(victim);
                    t.replace(victim);
                }
                Trial.hold(Duration.ofMillis(800));
            }
            t.healed();
        });
    }
}
