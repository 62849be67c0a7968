package dev.elector.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The slots of a raft:// group whose voters are the participants themselves, as in an application that
 * elects among its own nodes: each slot has a port, a data directory, and a proxy in front of every other
 * voter, so that one voter can be cut off from the others (both ways or one way) while they still reach
 * each other. A participant started in a slot runs that slot's voter; one started again in a killed one's
 * slot rejoins from its data.
 *
 * <p>Each voter's URI lists the others at its own proxies and names the voters as the group knows them
 * ({@code voters=}); Ratis keeps the first address it has for a peer, so the voters' traffic stays on the
 * proxies.
 */
public final class RaftVoterGroup implements AutoCloseable {
    /** Election timeouts of 300 ms to 600 ms: sessions of 3 s leave room for a Raft election. */
    private static final Duration ELECTION_TIMEOUT = Duration.ofMillis(300);
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

    private final Path root;
    private final List<String> voters = new ArrayList<>();
    /** {@code proxies[from][to]}: the proxy {@code from}'s voter reaches {@code to}'s through; null on the diagonal. */
    private final TcpProxy[][] proxies;

    private RaftVoterGroup(Path root, int size) {
        this.root = root;
        for (int i = 0; i < size; i++) {
            voters.add("127.0.0.1:" + Processes.freePort());
        }
        proxies = new TcpProxy[size][size];
        for (int from = 0; from < size; from++) {
            for (int to = 0; to < size; to++) {
                proxies[from][to] = from == to ? null : new TcpProxy(voters.get(to));
            }
        }
    }

    /**
     * Makes the slots, with nothing running yet.
     *
     * @param size the number of voters, 3 or 5
     * @return the slots
     */
    public static RaftVoterGroup create(int size) {
        try {
            return new RaftVoterGroup(Files.createTempDirectory(Processes.dataRoot(), "elector-raft-voters-"), size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The number of slots.
     *
     * @return the voter count
     */
    public int size() {
        return voters.size();
    }

    /**
     * The session timeout every slot's URI asks for.
     *
     * @return 3 s
     */
    public Duration sessionTimeout() {
        return SESSION_TIMEOUT;
    }

    /**
     * The voters' own addresses, for an operator's client.
     *
     * @return {@code host:port} of each voter, in slot order
     */
    public List<String> voters() {
        return List.copyOf(voters);
    }

    /**
     * The URI of the voter in a slot: itself at its own address, every other voter at its proxy.
     *
     * @param slot 0 to size() - 1
     * @param namespace the namespace its elections live under
     * @return the URI
     */
    public String uri(int slot, String namespace) {
        List<String> view = IntStream.range(0, size()).mapToObj(to -> to == slot ? voters.get(to) : proxies[slot][to].address()).toList();
        return "raft://" + String.join(",", view) + "/" + namespace + "?voters=" + String.join(",", voters) + "&self=" + voters.get(slot)
                + "&dataDir=" + root.resolve("voter-" + (slot + 1)) + "&electionTimeout=" + ELECTION_TIMEOUT.toMillis() + "ms&sessionTimeout="
                + SESSION_TIMEOUT.toMillis() + "ms&connectTimeout=30s";
    }

    /**
     * Holds the traffic between a slot's voter and every other, in the directions given as seen from that
     * voter: {@link TcpProxy.Direction#TO_SERVER} is what it sends, {@link TcpProxy.Direction#TO_CLIENT} what
     * it receives. Both: cut off.
     *
     * @param slot the voter
     * @param directions what it can no longer send, receive, or both
     */
    public void cut(int slot, TcpProxy.Direction... directions) {
        boolean sends = List.of(directions).contains(TcpProxy.Direction.TO_SERVER);
        boolean receives = List.of(directions).contains(TcpProxy.Direction.TO_CLIENT);
        for (int other = 0; other < size(); other++) {
            if (other == slot) {
                continue;
            }
            // Its own connections carry its requests out and the answers in; the others' carry theirs in and its answers out.
            block(proxies[slot][other], sends ? TcpProxy.Direction.TO_SERVER : null, receives ? TcpProxy.Direction.TO_CLIENT : null);
            block(proxies[other][slot], receives ? TcpProxy.Direction.TO_SERVER : null, sends ? TcpProxy.Direction.TO_CLIENT : null);
        }
    }

    private static void block(TcpProxy proxy, TcpProxy.Direction... directions) {
        TcpProxy.Direction[] held = java.util.Arrays.stream(directions).filter(java.util.Objects::nonNull).toArray(TcpProxy.Direction[]::new);
        if (held.length > 0) {
            proxy.block(held);
        }
    }

    /** Lets every voter's traffic flow again. */
    public void heal() {
        for (TcpProxy[] row : proxies) {
            for (TcpProxy proxy : row) {
                if (proxy != null) {
                    proxy.heal();
                }
            }
        }
    }

    /** Closes the proxies and deletes the voters' data. */
    @Override
    public void close() {
        for (TcpProxy[] row : proxies) {
            for (TcpProxy proxy : row) {
                if (proxy != null) {
                    proxy.close();
                }
            }
        }
        Processes.deleteTree(root);
    }
}
