package dev.elector.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.Leadership;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three voters of a real Ratis group in one JVM, each with its coordinator: the algorithm runs on it as on any backend. */
class InJvmGroupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    Path data;
    private final List<Coordinator> coordinators = new ArrayList<>();

    /** Together: a coordinator closing last in a group whose other voters already left has no majority to close its session. */
    @AfterEach
    void close() {
        CompletableFuture.allOf(coordinators.stream().map(c -> CompletableFuture.runAsync(c::close)).toArray(CompletableFuture[]::new)).join();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private List<String> voters(int n) throws IOException {
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            voters.add("127.0.0.1:" + freePort());
        }
        return voters;
    }

    private String uri(List<String> voters, int self) throws IOException {
        Path dir = data.resolve("n" + self);
        Files.createDirectories(dir);
        return "raft://" + String.join(",", voters) + "/app?self=" + voters.get(self) + "&dataDir=" + dir
                + "&electionTimeout=300ms&sessionTimeout=3s&connectTimeout=20s";
    }

    /** The voters start together: each connect waits for a majority. */
    private List<Election> startVoters(List<String> voters) throws Exception {
        List<CompletableFuture<Coordinator>> starting = new ArrayList<>();
        for (int i = 0; i < voters.size(); i++) {
            String uri = uri(voters, i);
            starting.add(CompletableFuture.supplyAsync(() -> Coordinator.connect(uri)));
        }
        for (CompletableFuture<Coordinator> c : starting) {
            coordinators.add(c.get());
        }
        List<Election> elections = new ArrayList<>();
        for (int i = 0; i < voters.size(); i++) {
            elections.add(candidate(coordinators.get(i), "p" + i));
        }
        return elections;
    }

    private static Election candidate(Coordinator coordinator, String id) {
        return coordinator.election("job", dev.elector.ElectionOptions.builder().participantId(id).build()).start();
    }

    @Test
    void threeVotersElectOneLeaderAndHandOverOnClose() throws Exception {
        List<Election> elections = startVoters(voters(3));
        await().atMost(WAIT).until(() -> elections.stream().filter(Election::isLeader).count() == 1
                && elections.get(0).participants().size() == 3);
        Election leader = elections.stream().filter(Election::isLeader).findFirst().orElseThrow();
        Leadership first = leader.awaitLeadership(WAIT);
        leader.close();
        await().atMost(WAIT).until(() -> elections.stream().filter(e -> e != leader && e.isLeader()).count() == 1);
        Election next = elections.stream().filter(e -> e != leader && e.isLeader()).findFirst().orElseThrow();
        assertTrue(next.awaitLeadership(WAIT).fencingToken() > first.fencingToken());
        assertFalse(leader.isLeader());
        assertEquals(2, next.participants().size(), next.participants().stream().map(Object::toString).collect(Collectors.joining()));
    }

    /**
     * A voter restarted on its data directory rejoins from its snapshot and the log after it: the registry
     * it serves is the group's, and the leader elsewhere keeps its term.
     */
    @Test
    void aVoterRestartedOnItsDataRejoinsFromItsSnapshot() throws Exception {
        List<String> voters = voters(3);
        List<Election> elections = startVoters(voters);
        await().atMost(WAIT).until(() -> elections.get(0).participants().size() == 3 && elections.stream().anyMatch(Election::isLeader));
        int leader = elections.indexOf(elections.stream().filter(Election::isLeader).findFirst().orElseThrow());
        Leadership term = elections.get(leader).awaitLeadership(WAIT);
        int restarted = (leader + 1) % 3;
        try (RaftAdmin admin = RaftAdmin.connect(voters, WAIT)) {
            // The restarted voter is a follower: a restart of the Raft leader is the contract suite's case.
            admin.transferLeadership(voters.get(leader));
            assertTrue(admin.takeSnapshot(voters.get(restarted)) > 0);
        }
        Path dir = data.resolve("n" + restarted);
        try (var files = Files.walk(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("snapshot.")), "a snapshot file under " + dir);
        }
        coordinators.get(restarted).close(); // its node stops with it
        await().atMost(WAIT).until(() -> elections.get(leader).participants().size() == 2);
        Coordinator again = Coordinator.connect(uri(voters, restarted));
        coordinators.add(again);
        Election back = candidate(again, "p" + restarted + "-again");
        await().atMost(WAIT).until(() -> back.participants().size() == 3 && back.leader().isPresent());
        assertEquals(term.fencingToken(), back.leader().orElseThrow().token(), "the restarted voter sees the leader the group has");
        assertTrue(term.isValid(), "the leader kept its term while a voter restarted");
    }
}
