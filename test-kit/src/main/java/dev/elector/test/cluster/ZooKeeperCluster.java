package dev.elector.test.cluster;

import dev.elector.CoordinatorOptions;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.Pki;
import dev.elector.test.cluster.Processes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.client.StaticHostProvider;
import org.apache.zookeeper.client.ZKClientConfig;

/** A ZooKeeper ensemble as the contract suite sees it, whatever runs the servers. */
public final class ZooKeeperCluster implements ClusterUnderTest {
    /** Within the 0.4 s to 4 s the 200 ms tick allows, long enough to ride out a busy 2-core machine. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

    private final ZooKeeperEnsemble ensemble;
    private CuratorFramework admin;

    /**
     * Wraps a running ensemble; closing the cluster closes it.
     *
     * @param ensemble the servers
     */
    public ZooKeeperCluster(ZooKeeperEnsemble ensemble) {
        this.ensemble = ensemble;
    }

    @Override
    public String backendName() {
        return "ZooKeeper";
    }

    @Override
    public int size() {
        return ensemble.size();
    }

    @Override
    public Duration sessionTimeout() {
        return SESSION_TIMEOUT;
    }

    /**
     * ZooKeeper's connect string for every member.
     *
     * @return the addresses, comma-separated
     */
    public String connectString() {
        return String.join(",", addresses());
    }

    @Override
    public List<String> addresses() {
        return IntStream.range(0, size()).mapToObj(ensemble::address).toList();
    }

    @Override
    public String uriFor(List<String> addresses, String namespace) {
        return "zk://" + String.join(",", addresses) + "/" + namespace + "?sessionTimeout=" + SESSION_TIMEOUT.toMillis() + "ms&connectTimeout=5s";
    }

    @Override
    public String uri(String namespace) {
        return uriFor(addresses(), namespace);
    }

    @Override
    public String uriForMember(int member, String namespace) {
        return uriFor(List.of(ensemble.address(member)), namespace);
    }

    @Override
    public String uriWithoutMember(int member, String namespace) {
        return uriFor(IntStream.range(0, size()).filter(i -> i != member).mapToObj(ensemble::address).toList(), namespace);
    }

    @Override
    public void kill(int member) {
        ensemble.kill(member);
    }

    @Override
    public void restart(int member) {
        ensemble.restart(member);
    }

    @Override
    public int entries(String namespace, String election) {
        try {
            return admin().getChildren().forPath(ZKPaths.makePath(namespace, election)).size();
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            return 0;
        } catch (Exception e) {
            throw new IllegalStateException("could not list " + namespace + "/" + election, e);
        }
    }

    @Override
    public String uriWithRefusedSessionTimeout(String namespace) {
        return "zk://" + connectString() + "/" + namespace + "?sessionTimeout=60s";
    }

    @Override
    public String unreachableUri(Duration connectTimeout) {
        return "zk://127.0.0.1:" + Processes.freePort() + "/nowhere?connectTimeout=" + connectTimeout.toMillis() + "ms";
    }

    @Override
    public void pause(int member) {
        ensemble.pause(member);
    }

    @Override
    public void resume(int member) {
        ensemble.resume(member);
    }

    /** On a secured ensemble: TLS with app's certificate and app's password, so ACLs are the creator's. */
    @Override
    public CoordinatorOptions options() {
        Pki pki = ensemble.pki();
        return pki == null ? CoordinatorOptions.defaults() : pki.options("app", true);
    }

    @Override
    public List<String> childJvmArgs() {
        Pki pki = ensemble.pki();
        return pki == null ? List.of() : pki.childJvmArgs("app", true);
    }

    /**
     * A Curator client on the whole ensemble, for operator actions and interop peers: plain, or on a
     * secured ensemble over TLS as the super user, whom no ACL stops.
     *
     * @return the started client, made on first use and closed with the cluster
     */
    public synchronized CuratorFramework admin() {
        if (admin == null) {
            CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder().connectString(connectString())
                    .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryNTimes(3, 200));
            Pki pki = ensemble.pki();
            if (pki != null) {
                b.zkClientConfig(tlsConfig(pki, "root")).authorization("digest", ("super:" + Pki.PASSWORDS.get("root")).getBytes(StandardCharsets.UTF_8));
            }
            admin = b.build();
            admin.start();
        }
        return admin;
    }

    /**
     * ZooKeeper's own TLS client settings with {@code client}'s certificate, for raw clients in tests.
     *
     * @param pki the ensemble's PKI
     * @param client the user whose certificate and key the client presents
     * @return the settings
     */
    public static ZKClientConfig tlsConfig(Pki pki, String client) {
        var cfg = new ZKClientConfig();
        cfg.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        cfg.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        cfg.setProperty("zookeeper.ssl.keyStore.location", pki.pem(client).toString());
        cfg.setProperty("zookeeper.ssl.keyStore.type", "PEM");
        cfg.setProperty("zookeeper.ssl.trustStore.location", pki.ca().toString());
        cfg.setProperty("zookeeper.ssl.trustStore.type", "PEM");
        return cfg;
    }

    /**
     * The servers behind this cluster.
     *
     * @return the ensemble
     */
    public ZooKeeperEnsemble ensemble() {
        return ensemble;
    }

    @Override
    public void deleteEntry(String namespace, String election, String participantId) {
        String path = entryOf(namespace, election, participantId);
        try {
            admin().delete().forPath(path);
        } catch (Exception e) {
            throw new IllegalStateException("could not delete the entry of " + participantId + " at " + path, e);
        }
    }

    /**
     * Ends the session that owns the participant's entry, as the server ends one it stops hearing from:
     * a second client attaches to that session and closes it, and the server deletes the session's
     * ephemeral nodes and drops its connections. The kit never holds the participant's client, but it
     * need not: the entry's {@code ephemeralOwner} is the session's id, and the server derives a session's
     * password from its id alone.
     */
    @Override
    public void expireSession(String namespace, String election, String participantId) {
        String path = entryOf(namespace, election, participantId);
        long session;
        try {
            session = admin().checkExists().forPath(path).getEphemeralOwner();
        } catch (Exception e) {
            throw new IllegalStateException("could not read the session of " + participantId + "'s entry " + path, e);
        }
        CompletableFuture<Watcher.Event.KeeperState> attached = new CompletableFuture<>();
        Pki pki = ensemble.pki();
        ZooKeeper killer = null;
        try {
            killer = new ZooKeeper(connectString(), (int) SESSION_TIMEOUT.toMillis(), event -> attached.complete(event.getState()),
                    session, passwordOf(session), false, new StaticHostProvider(new ConnectStringParser(connectString()).getServerAddresses()),
                    pki == null ? new ZKClientConfig() : tlsConfig(pki, "root"));
            Watcher.Event.KeeperState state = attached.get(10, TimeUnit.SECONDS);
            if (state != Watcher.Event.KeeperState.SyncConnected) {
                throw new IllegalStateException("ZooKeeper did not let a second client into session 0x" + Long.toHexString(session)
                        + " of " + participantId + " (" + state + "): it is gone already, or the server no longer derives passwords from ids");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not attach to the session of " + participantId, e);
        } finally {
            if (killer != null) {
                try {
                    killer.close(); // closeSession: the server ends it for every connection, with its ephemeral nodes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** What ZooKeeperServer.generatePasswd gives a session: the password is a function of the id and a constant. */
    static byte[] passwordOf(long session) {
        byte[] password = new byte[16];
        new Random(session ^ 0xB3415C00L).nextBytes(password);
        return password;
    }

    /** The path of the participant's entry: the child of the election's node whose data is its id. */
    private String entryOf(String namespace, String election, String participantId) {
        String parent = ZKPaths.makePath(namespace, election);
        try {
            for (String child : admin().getChildren().forPath(parent)) {
                String path = ZKPaths.makePath(parent, child);
                String data = new String(admin().getData().forPath(path), StandardCharsets.UTF_8);
                if (data.equals(participantId) || data.startsWith(participantId + "\n")) {
                    return path;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read the entries under " + parent, e);
        }
        throw new IllegalStateException("no entry of " + participantId + " under " + parent);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close();
            }
        }
        ensemble.close();
    }
}
