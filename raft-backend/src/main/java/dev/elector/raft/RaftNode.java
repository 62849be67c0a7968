package dev.elector.raft;

import dev.elector.Coordinator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * A voter of a raft:// group: the Ratis server that a coordinator with {@code self=} runs in its JVM. One
 * per JVM and data directory, shared by the coordinators that name it and stopped with the last of them.
 *
 * <p>{@link #main} runs a voter that takes part in no election, for a node that only keeps the group's
 * majority, and for tests that run the voters as processes of their own.
 */
public final class RaftNode {
    private static final Map<Path, RaftNode> running = new HashMap<>();

    private final Path dataDir;
    private final RaftServer server;
    private int users;

    private RaftNode(Path dataDir, RaftServer server) {
        this.dataDir = dataDir;
        this.server = server;
    }

    /**
     * Runs a voter until the process ends: connects a coordinator on the URI, which starts the node, prints
     * {@code SERVING} once the group has a leader, and waits.
     *
     * @param args one argument, a raft:// URI with {@code self} and {@code dataDir}, such as
     *     {@code raft://h1:7000,h2:7000,h3:7000/elector?self=h1:7000&dataDir=/var/lib/elector}
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !args[0].contains("self=")) {
            System.err.println("usage: java dev.elector.raft.RaftNode 'raft://h1:p1,h2:p2,h3:p3/ns?self=h1:p1&dataDir=PATH'");
            System.exit(2);
        }
        Coordinator coordinator = Coordinator.connect(args[0]);
        Runtime.getRuntime().addShutdownHook(new Thread(coordinator::close, "elector-raft-node-stop"));
        System.out.println("SERVING");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** The node for these settings, started if no coordinator of this JVM runs it yet. */
    static synchronized RaftNode acquire(RaftSettings settings) {
        RaftNode node = running.get(settings.dataDir());
        if (node == null) {
            node = new RaftNode(settings.dataDir(), start(settings));
            running.put(settings.dataDir(), node);
        }
        node.users++;
        return node;
    }

    /** Stops the node when its last coordinator leaves. */
    void release() {
        synchronized (RaftNode.class) {
            if (--users > 0) {
                return;
            }
            running.remove(dataDir);
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the Raft node on " + dataDir, e);
        }
    }

    private static RaftServer start(RaftSettings settings) {
        RaftProperties properties = settings.properties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(settings.dataDir().toFile()));
        GrpcConfigKeys.Server.setHost(properties, settings.self().host());
        GrpcConfigKeys.Server.setPort(properties, settings.self().port());
        long min = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(min, java.util.concurrent.TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2 * min, java.util.concurrent.TimeUnit.MILLISECONDS));
        // Reads go through the leader's read index: a position read is the ownership check before a claim.
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, 10_000);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2); // Ratis keeps every snapshot unless told

        boolean known = Files.isDirectory(settings.dataDir().resolve(RaftSettings.GROUP.getUuid().toString()));
        RaftServer server = null;
        try {
            Files.createDirectories(settings.dataDir());
            server = RaftServer.newBuilder()
                    .setServerId(RaftSettings.id(settings.self()))
                    .setGroup(settings.group())
                    .setProperties(properties)
                    .setStateMachine(new RegistryStateMachine(settings))
                    // A node that has a log rejoins from it; a new one formats an empty directory.
                    .setOption(known ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                    .build();
            server.start();
            return server;
        } catch (IOException e) {
            if (server != null) {
                try {
                    server.close(); // a half-started server holds its port, its log and a timer
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new dev.elector.CoordinatorUnavailableException("Could not start the Raft node " + settings.self() + " on " + settings.dataDir()
                    + ": " + e.getMessage(), e);
        }
    }
}
