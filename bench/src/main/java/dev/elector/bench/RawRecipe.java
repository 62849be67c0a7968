package dev.elector.bench;

import static org.awaitility.Awaitility.await;

import dev.elector.test.cluster.EtcdCluster;
import dev.elector.test.cluster.ZooKeeperCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** The raw recipes Elector is compared with, at the same session timeout or TTL. */
interface RawRecipe {
    Duration TTL = Duration.ofSeconds(3);

    /** Two raw participants in one election, the first leading. */
    interface Pair extends AutoCloseable {
        /** Makes the leader give way and returns the nanoseconds until the other leads; the old leader queues again. */
        long handover() throws Exception;

        @Override
        void close() throws Exception;
    }

    Pair pair(String election) throws Exception;

    /** The child JVM command of a raw participant for the failover baseline. */
    List<String> childCommand(String namespace, String election);

    /** A raw follower in this JVM, queued behind the child. */
    Bench.Follower follower(String namespace, String election) throws Exception;

    private static long poll(BlockingQueue<Long> queue) throws InterruptedException {
        Long at = queue.poll(30, TimeUnit.SECONDS);
        if (at == null) {
            throw new IllegalStateException("the raw recipe elected no one within 30 s");
        }
        return at;
    }

    /** Curator's LeaderLatch: close the leading latch, then the other's isLeader(); a new latch queues again. */
    final class Latch implements RawRecipe {
        private final ZooKeeperCluster cluster;

        Latch(ZooKeeperCluster cluster) {
            this.cluster = cluster;
        }

        private CuratorFramework client(String namespace) {
            CuratorFramework client = CuratorFrameworkFactory.builder().connectString(cluster.connectString()).namespace(namespace)
                    .sessionTimeoutMs((int) TTL.toMillis()).connectionTimeoutMs(5000).retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
            client.start();
            return client;
        }

        private static LeaderLatch latch(CuratorFramework client, String path, String id, BlockingQueue<Long> elected) throws Exception {
            LeaderLatch latch = new LeaderLatch(client, path, id);
            latch.addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    elected.add(System.nanoTime());
                }

                @Override
                public void notLeader() {
                }
            });
            latch.start();
            return latch;
        }

        @Override
        public Pair pair(String election) throws Exception {
            CuratorFramework[] clients = {client("raw-" + election), client("raw-" + election)};
            BlockingQueue<Long> elected = new LinkedBlockingQueue<>();
            String path = "/" + election;
            LeaderLatch[] latches = {latch(clients[0], path, "a", elected), null};
            latches[0].await(30, TimeUnit.SECONDS);
            latches[1] = latch(clients[1], path, "b", elected);
            await().atMost(Duration.ofSeconds(30)).until(() -> latches[0].getParticipants().size() == 2);
            elected.clear();
            return new Pair() {
                @Override
                public long handover() throws Exception {
                    int leader = latches[0].hasLeadership() ? 0 : 1;
                    long t0 = System.nanoTime();
                    latches[leader].close();
                    long took = poll(elected) - t0;
                    latches[leader] = latch(clients[leader], path, leader == 0 ? "a" : "b", elected);
                    await().atMost(Duration.ofSeconds(30)).until(() -> latches[1 - leader].getParticipants().size() == 2);
                    return took;
                }

                @Override
                public void close() throws Exception {
                    for (int i = 0; i < 2; i++) {
                        latches[i].close();
                        clients[i].close();
                    }
                }
            };
        }

        @Override
        public List<String> childCommand(String namespace, String election) {
            return List.of(RawParticipantMain.class.getName(), "zk", cluster.connectString(), "raw-" + namespace, "/" + election,
                    Long.toString(TTL.toMillis()));
        }

        @Override
        public Bench.Follower follower(String namespace, String election) throws Exception {
            CuratorFramework client = client("raw-" + namespace);
            BlockingQueue<Long> elected = new LinkedBlockingQueue<>();
            LeaderLatch latch = latch(client, "/" + election, "follower", elected);
            await().atMost(Duration.ofSeconds(30)).until(() -> latch.getParticipants().size() == 2);
            return new Bench.Follower(elected, () -> {
                latch.close();
                client.close();
            });
        }
    }

    /** jetcd's Election: resign the leader key, then the other's campaign completes; the old leader campaigns again. */
    final class EtcdElection implements RawRecipe {
        private final EtcdCluster cluster;

        EtcdElection(EtcdCluster cluster) {
            this.cluster = cluster;
        }

        private Client client() {
            return Client.builder().endpoints(endpoints().split(",")).build();
        }

        /** A lease kept alive by jetcd's own keep-alive stream, as a raw user would do it. */
        static long lease(Client client, long ttlSeconds) throws Exception {
            long id = client.getLeaseClient().grant(ttlSeconds).get(10, TimeUnit.SECONDS).getID();
            client.getLeaseClient().keepAlive(id, new StreamObserver<LeaseKeepAliveResponse>() {
                @Override
                public void onNext(LeaseKeepAliveResponse value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            return id;
        }

        private static ByteSequence bytes(String s) {
            return ByteSequence.from(s, StandardCharsets.UTF_8);
        }

        private static int candidates(Client client, String name) throws Exception {
            return (int) client.getKVClient().get(bytes(name + "/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                    .get(10, TimeUnit.SECONDS).getCount();
        }

        private String endpoints() {
            return String.join(",", cluster.addresses().stream().map(a -> "http://" + a).toList());
        }

        private static CompletableFuture<LeaderKey> campaign(Client client, String name, long lease, String id, BlockingQueue<Long> elected) {
            return client.getElectionClient().campaign(bytes(name), lease, bytes(id)).thenApply(r -> {
                elected.add(System.nanoTime());
                return r.getLeader();
            });
        }

        @Override
        public Pair pair(String election) throws Exception {
            String name = "/raw/" + election;
            Client[] clients = {client(), client()};
            long[] leases = {lease(clients[0], TTL.toSeconds()), lease(clients[1], TTL.toSeconds())};
            BlockingQueue<Long> elected = new LinkedBlockingQueue<>();
            @SuppressWarnings("unchecked")
            CompletableFuture<LeaderKey>[] campaigns = new CompletableFuture[2];
            campaigns[0] = campaign(clients[0], name, leases[0], "a", elected);
            campaigns[0].get(30, TimeUnit.SECONDS);
            campaigns[1] = campaign(clients[1], name, leases[1], "b", elected);
            await().atMost(Duration.ofSeconds(30)).until(() -> candidates(clients[0], name) == 2);
            elected.clear();
            return new Pair() {
                @Override
                public long handover() throws Exception {
                    int leader = campaigns[0].isDone() ? 0 : 1;
                    LeaderKey key = campaigns[leader].get();
                    long t0 = System.nanoTime();
                    clients[leader].getElectionClient().resign(key).get(30, TimeUnit.SECONDS);
                    long took = poll(elected) - t0;
                    campaigns[leader] = campaign(clients[leader], name, leases[leader], leader == 0 ? "a" : "b", elected);
                    await().atMost(Duration.ofSeconds(30)).until(() -> candidates(clients[0], name) == 2);
                    return took;
                }

                @Override
                public void close() throws Exception {
                    for (int i = 0; i < 2; i++) {
                        clients[i].getLeaseClient().revoke(leases[i]);
                        clients[i].close();
                    }
                }
            };
        }

        @Override
        public List<String> childCommand(String namespace, String election) {
            return List.of(RawParticipantMain.class.getName(), "etcd", endpoints(), "/raw/" + namespace + "/" + election,
                    Long.toString(TTL.toSeconds()));
        }

        @Override
        public Bench.Follower follower(String namespace, String election) throws Exception {
            Client client = client();
            long lease = lease(client, TTL.toSeconds());
            BlockingQueue<Long> elected = new LinkedBlockingQueue<>();
            String name = "/raw/" + namespace + "/" + election;
            campaign(client, name, lease, "follower", elected);
            await().atMost(Duration.ofSeconds(30)).until(() -> candidates(client, name) == 2);
            return new Bench.Follower(elected, () -> {
                client.getLeaseClient().revoke(lease);
                client.close();
            });
        }
    }
}
