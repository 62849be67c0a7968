package dev.elector.it.faults;

import static org.awaitility.Awaitility.await;

import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.TcpProxy;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/** A trial on a cluster the participants are clients of, each reaching every member through a proxy of its own. */
final class ClusterTrial extends Trial {
    final ClusterUnderTest cluster;
    private final Map<String, List<TcpProxy>> proxies = new LinkedHashMap<>();
    private final Set<String> leasesBefore;

    ClusterTrial(ClusterUnderTest cluster) {
        super("faults");
        this.cluster = cluster;
        this.leasesBefore = cluster.leases();
    }

    @Override
    Duration ttl() {
        return cluster.sessionTimeout();
    }

    /** Starts a participant whose every connection to the cluster goes through proxies of its own. */
    String spawn() {
        List<TcpProxy> own = cluster.addresses().stream().map(TcpProxy::new).toList();
        String id = fleet.spawn(cluster.uriFor(own.stream().map(TcpProxy::address).toList(), namespace));
        proxies.put(id, own);
        return id;
    }

    /** Starts {@code n} participants and waits for a leader. */
    String start(int n) {
        for (int i = 0; i < n; i++) {
            spawn();
        }
        return awaitLeader(Duration.ofSeconds(60));
    }

    List<TcpProxy> proxiesOf(String id) {
        return proxies.get(id);
    }

    void block(String id, TcpProxy.Direction... directions) {
        proxies.get(id).forEach(p -> p.block(directions));
    }

    void delay(String id, Duration delay) {
        proxies.get(id).forEach(p -> p.delay(delay));
    }

    void heal(String id) {
        proxies.get(id).forEach(TcpProxy::heal);
    }

    @Override
    void healNetwork() {
        proxies.values().forEach(list -> list.forEach(TcpProxy::heal));
    }

    @Override
    int leaked() {
        try {
            // Killed participants' sessions or leases end after a TTL; everything else goes at once.
            await().atMost(Duration.ofSeconds(15)).until(() -> cluster.entries(namespace, ELECTION) == 0
                    && leasesBefore.containsAll(cluster.leases()));
            return 0;
        } catch (ConditionTimeoutException e) {
            Set<String> extra = new HashSet<>(cluster.leases());
            extra.removeAll(leasesBefore);
            int entries = cluster.entries(namespace, ELECTION);
            note("left behind: " + entries + " entries, leases " + extra);
            return entries + extra.size();
        }
    }

    @Override
    public void close() {
        super.close();
        proxies.values().forEach(list -> list.forEach(TcpProxy::close));
    }
}
