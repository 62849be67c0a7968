package dev.elector.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * A raw-recipe participant in a child JVM, for the crash-failover baseline: Curator's {@code LeaderLatch}
 * or jetcd's {@code Election}, with the same session timeout or TTL as Elector. Prints {@code ELECTED} when
 * it leads and runs until killed. Arguments: {@code zk connectString namespace path sessionMs} or
 * {@code etcd endpoints name ttlSeconds}.
 */
public final class RawParticipantMain {
    private RawParticipantMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("zk")) {
            CuratorFramework client = CuratorFrameworkFactory.builder().connectString(args[1]).namespace(args[2])
                    .sessionTimeoutMs(Integer.parseInt(args[4])).connectionTimeoutMs(5000).retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
            client.start();
            LeaderLatch latch = new LeaderLatch(client, args[3], "raw-child");
            latch.start();
            latch.await();
        } else {
            Client client = Client.builder().endpoints(args[1].split(",")).build();
            long lease = RawRecipe.EtcdElection.lease(client, Long.parseLong(args[3]));
            client.getElectionClient().campaign(ByteSequence.from(args[2], StandardCharsets.UTF_8), lease,
                    ByteSequence.from("raw-child", StandardCharsets.UTF_8)).get();
        }
        System.out.println("ELECTED");
        System.out.flush();
        Thread.currentThread().join();
    }
}
