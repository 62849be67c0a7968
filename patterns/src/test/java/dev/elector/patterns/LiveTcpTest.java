package dev.elector.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same Bully and Ring handlers over real TCP on 127.0.0.1: three nodes agree on a leader; stop it and
 * the other two elect another. Every node's threads and sockets are gone afterwards.
 */
class LiveTcpTest {
    private final List<TcpNode> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() {
        nodes.forEach(TcpNode::close);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(20);   // polling interval of a wait with a deadline
        }
    }

    private int leader(List<Integer> alive) {
        int found = -1;
        for (int i : alive) {
            if (nodes.get(i).leading() >= 0) {
                if (found >= 0) {
                    return -2;
                }
                found = i;
            }
        }
        return found;
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"BULLY", "RING"})
    void threeNodesElectAndReelectAfterTheLeaderStops(Algorithm algorithm) throws Exception {
        int n = 3;
        List<ServerSocket> servers = new ArrayList<>();
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            servers.add(TcpNode.bind(0));
            ports[i] = servers.get(i).getLocalPort();
        }
        for (int i = 0; i < n; i++) {
            nodes.add(new TcpNode(i, servers.get(i), ports, algorithm.node(i, n), line -> { }));
        }
        List<Integer> all = List.of(0, 1, 2);
        await("one of three leads", () -> leader(all) >= 0);
        if (algorithm == Algorithm.BULLY) {
            await("the highest id leads", () -> leader(all) == 2);
        }
        int first = leader(all);
        nodes.get(first).close();
        List<Integer> rest = new ArrayList<>(all);
        rest.remove(Integer.valueOf(first));
        await("another node leads", () -> leader(rest) >= 0);
        assertTrue(rest.contains(leader(rest)));
        nodes.forEach(TcpNode::close);
        nodes.clear();
        for (ServerSocket s : servers) {
            assertTrue(s.isClosed());
        }
        long left = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("patterns-")).count();
        assertEquals(0, left, "threads left running");
    }

}
