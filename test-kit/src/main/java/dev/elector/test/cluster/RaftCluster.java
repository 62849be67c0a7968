package dev.elector.test.cluster;

import static org.awaitility.Awaitility.await;

import dev.elector.Participant;
import dev.elector.raft.RaftAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A raft:// group of voters, each a JVM of its own running {@code dev.elector.raft.RaftNode} on a free
 * loopback port with its data on tmpfs. The suite's coordinators reach it as clients, as an application's
 * nodes beyond the voters do.
 *
 * <p>A Raft client follows the group's leader wherever it is, so a client given one member reaches only that
 * member only if it leads: {@link #uriForMember} first moves the Raft leadership there, so that pausing the
 * member cuts the client off, as it cuts off a ZooKeeper client from its server.
 */
public final class RaftCluster implements ClusterUnderTest, Processes.Launchable {
    /**
     * Election timeouts of 300 ms to 600 ms. Sessions must last at least three of the longest (1.8 s); the
     * suites' 3 s leave a leader's renewals 1.8 s to get past the crash of the Raft leader's node (detection,
     * a Raft election, the client finding the new leader) without ending its term.
     */
    static final Duration ELECTION_TIMEOUT = Duration.ofMillis(300);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Path root;
    private final int[] ports;
    private final Process[] nodes;
    private RaftAdmin admin;

    private RaftCluster(Path root, int size) {
        this.root = root;
        this.ports = new int[size];
        this.nodes = new Process[size];
    }

    /**
     * Starts a group and waits until it has a leader.
     *
     * @param size the number of voters, 3 or 5
     * @return the running group
     */
    public static RaftCluster start(int size) {
        return Processes.launch("elector-raft-", root -> new RaftCluster(root, size));
    }

    @Override
    public void launch() {
        for (int i = 0; i < ports.length; i++) {
            ports[i] = Processes.freePort();
        }
        for (int i = 0; i < ports.length; i++) {
            startNode(i);
        }
        for (int i = 0; i < ports.length; i++) {
            awaitServing(i);
        }
        admin = RaftAdmin.connect(addresses(), Duration.ofSeconds(10));
    }

    private void startNode(int i) {
        Path dir = root.resolve("node-" + (i + 1));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String uri = "raft://" + String.join(",", addresses()) + "/nodes?self=" + addresses().get(i) + "&dataDir=" + dir.resolve("data")
                + "&electionTimeout=" + ELECTION_TIMEOUT.toMillis() + "ms&sessionTimeout=" + SESSION_TIMEOUT.toMillis() + "ms&connectTimeout=60s";
        nodes[i] = Processes.startJava("dev.elector.raft.RaftNode",
                List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=warn"),
                List.of(uri), dir.resolve("node.log"), false);
    }

    private void awaitServing(int i) {
        Path log = root.resolve("node-" + (i + 1)).resolve("node.log");
        await("Raft node " + (i + 1) + " serving").atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!nodes[i].isAlive()) {
                throw new IllegalStateException("Raft node " + (i + 1) + " died; see " + log);
            }
            return Files.exists(log) && Files.readString(log).contains("SERVING");
        });
    }

    @Override
    public List<Path> logs() {
        return IntStream.range(0, ports.length).mapToObj(i -> root.resolve("node-" + (i + 1)).resolve("node.log")).toList();
    }

    @Override
    public String backendName() {
        return "Raft";
    }

    @Override
    public int size() {
        return ports.length;
    }

    @Override
    public Duration sessionTimeout() {
        return SESSION_TIMEOUT;
    }

    @Override
    public List<String> addresses() {
        return IntStream.range(0, ports.length).mapToObj(i -> "127.0.0.1:" + ports[i]).toList();
    }

    /**
     * A client URI to these addresses. Addresses that are not the members' own are proxies in front of every
     * member, in member order: the URI then names the members as the group knows them ({@code voters=}), so
     * that the client keeps reaching each through its proxy even after the group points it at the real one.
     */
    @Override
    public String uriFor(List<String> addresses, String namespace) {
        String uri = "raft://" + String.join(",", addresses) + "/" + namespace + "?sessionTimeout=" + SESSION_TIMEOUT.toMillis() + "ms&connectTimeout=5s";
        if (addresses().containsAll(addresses)) {
            return uri;
        }
        if (addresses.size() != size()) {
            throw new IllegalArgumentException("proxies must stand in front of every member, in member order: got " + addresses);
        }
        return uri + "&voters=" + String.join(",", addresses());
    }

    @Override
    public String uri(String namespace) {
        return uriFor(addresses(), namespace);
    }

    /**
     * Makes a member the group's Raft leader.
     *
     * @param member 0 to size() - 1
     */
    public void leadRaft(int member) {
        admin.transferLeadership(addresses().get(member));
    }

    /** Moves the Raft leadership to the member first: see the class's comment. */
    @Override
    public String uriForMember(int member, String namespace) {
        leadRaft(member);
        return uriFor(List.of(addresses().get(member)), namespace);
    }

    @Override
    public String uriWithoutMember(int member, String namespace) {
        return uriFor(IntStream.range(0, size()).filter(i -> i != member).mapToObj(i -> addresses().get(i)).toList(), namespace);
    }

    /** Below three of the group's longest election timeouts (1.8 s), which its leader refuses. */
    @Override
    public String uriWithRefusedSessionTimeout(String namespace) {
        return uri(namespace).replace("sessionTimeout=" + SESSION_TIMEOUT.toMillis() + "ms", "sessionTimeout=1s");
    }

    @Override
    public String unreachableUri(Duration connectTimeout) {
        return "raft://127.0.0.1:" + Processes.freePort() + "/nowhere?connectTimeout=" + connectTimeout.toMillis() + "ms";
    }

    @Override
    public void kill(int member) {
        Processes.kill(nodes[member]);
    }

    @Override
    public void restart(int member) {
        startNode(member);
        awaitServing(member);
    }

    @Override
    public void pause(int member) {
        Processes.signal(nodes[member], "STOP");
    }

    @Override
    public void resume(int member) {
        Processes.signal(nodes[member], "CONT");
    }

    @Override
    public int entries(String namespace, String election) {
        return admin.participants(namespace, election).size();
    }

    @Override
    public void deleteEntry(String namespace, String election, String participantId) {
        admin.deleteEntry(namespace, election, entryOf(namespace, election, participantId).token());
    }

    @Override
    public void expireSession(String namespace, String election, String participantId) {
        admin.endSessionOf(namespace, election, entryOf(namespace, election, participantId).token());
    }

    private Participant entryOf(String namespace, String election, String participantId) {
        return admin.participants(namespace, election).stream().filter(p -> p.id().equals(participantId)).findFirst()
                .orElseThrow(() -> new IllegalStateException(participantId + " has no entry in " + namespace + "/" + election));
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        for (Process node : nodes) {
            if (node != null) {
                Processes.kill(node); // SIGKILL ends a SIGSTOPped process too
            }
        }
        Processes.deleteTree(root);
    }
}
