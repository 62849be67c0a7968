package dev.elector.it.security;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.AccessDeniedException;
import dev.elector.Coordinator;
import dev.elector.CoordinatorOptions;
import dev.elector.CoordinatorUnavailableException;
import dev.elector.Credentials;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.Leadership;
import dev.elector.Tls;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.Pki;
import dev.elector.test.cluster.ProcessEnsemble;
import dev.elector.test.cluster.ZooKeeperCluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract suite, unchanged, on a secured 3-node ZooKeeper: TLS with client certificates required
 * on the client ports, digest credentials, and Elector's default ACL with credentials, creator-only.
 * Then the intruders, the read-open ACL mode, a namespace left open by someone else, and bad TLS set-ups.
 */
class SecuredZooKeeperElectionContractIT extends SecuredContract {
    private ProcessEnsemble ensemble;
    private ZooKeeperCluster cluster;

    @BeforeAll
    void startCluster() {
        ensemble = ProcessEnsemble.startSecured(3, pki);
        cluster = new ZooKeeperCluster(ensemble);
    }

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }

    private String uri(String address, String extra) {
        return "zk://" + address + "/" + namespace + "?sessionTimeout=3000ms&connectTimeout=" + CONNECT.toSeconds() + "s" + extra;
    }

    private String uri() {
        return uri(String.join(",", cluster.addresses()), "");
    }

    /** A raw Curator client, over TLS with {@code certificateOf}'s certificate if not null, with {@code digest}'s password if not null. */
    private CuratorFramework raw(String address, String certificateOf, String digest) {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder().connectString(address).sessionTimeoutMs(3000)
                .connectionTimeoutMs(3000).retryPolicy(new RetryNTimes(0, 0));
        if (certificateOf != null) {
            b.zkClientConfig(ZooKeeperCluster.tlsConfig(pki, certificateOf));
        }
        if (digest != null) {
            b.authorization("digest", (digest + ":" + Pki.PASSWORDS.get(digest)).getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework c = b.build();
        c.start();
        return c;
    }

    @Test
    void intrudersCanNeitherLeadNorReadNorTouchTheLeadersEntryAndEachGetsAClearError() throws Exception {
        Election leader = candidate(coordinator(), "leader", null);
        Leadership term = leader.awaitLeadership(WAIT);
        String election = ZKPaths.makePath(namespace, ELECTION);
        List<String> children = cluster.admin().getChildren().forPath(election);
        assertEquals(1, children.size());
        String entry = ZKPaths.makePath(election, children.get(0));

        // Every node Elector made is the creator's alone: namespace, election and entry.
        for (String path : List.of("/" + namespace, election, entry)) {
            List<ACL> acl = cluster.admin().getACL().forPath(path);
            assertTrue(acl.stream().noneMatch(a -> a.getId().getScheme().equals("world")), path + " " + acl);
            assertTrue(acl.stream().anyMatch(a -> a.getId().getScheme().equals("digest") && a.getId().getId().startsWith("app:")), path + " " + acl);
        }

        String plain = ensemble.plainAddress(0);
        Tls intruderTls = pki.tls("intruder");
        // Anonymous, on the plain port.
        String msg = refusedWithin(AccessDeniedException.class, CoordinatorOptions.defaults(), uri(plain, "")).getMessage();
        assertTrue(msg.contains("an anonymous client") && msg.contains("/" + namespace), msg);
        // Another digest user, over TLS with its own certificate.
        msg = refusedWithin(AccessDeniedException.class, as(intruderTls, Pki.credentials("intruder")), uri()).getMessage();
        assertTrue(msg.contains("digest user 'intruder'") && msg.contains("NoAuth"), msg);
        // A valid certificate and no credentials.
        msg = refusedWithin(AccessDeniedException.class, as(intruderTls, null), uri()).getMessage();
        assertTrue(msg.contains("the client certificate"), msg);
        // app's user with a wrong password: ZooKeeper's digest accepts it at connect, the check does not.
        msg = refusedWithin(AccessDeniedException.class, as(intruderTls, Credentials.password("app", WRONG::toCharArray)), uri()).getMessage();
        assertTrue(msg.contains("digest user 'app'") && msg.contains("password is wrong"), msg);
        // A certificate from another CA.
        Tls rogue = Tls.builder().trustedCertificates(pki.ca()).keyPair(pki.cert("rogue"), pki.key("rogue")).build();
        msg = refusedWithin(CoordinatorUnavailableException.class, as(rogue, Pki.credentials("app")), uri()).getMessage();
        assertTrue(msg.contains("TLS handshake") && msg.contains("failed"), msg);

        // Raw clients, anonymous on the plain port and the intruder over TLS, can do nothing to the election.
        Map<String, CuratorFramework> intruders = Map.of("anonymous", raw(plain, null, null),
                "intruder", raw(String.join(",", cluster.addresses()), "intruder", "intruder"));
        try {
            for (var e : intruders.entrySet()) {
                CuratorFramework c = e.getValue();
                List<ThrowingCall> attacks = List.of(
                        () -> c.getChildren().forPath(election),
                        () -> c.getData().forPath(entry),
                        () -> c.checkExists().forPath(entry),
                        () -> c.delete().forPath(entry),
                        () -> c.setData().forPath(entry, "stolen".getBytes(StandardCharsets.UTF_8)),
                        () -> c.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(election + "/_c_x-latch-", new byte[0]),
                        () -> c.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(election));
                for (ThrowingCall attack : attacks) {
                    assertThrows(KeeperException.NoAuthException.class, attack::call, e.getKey());
                }
                System.out.printf("[security] ZooKeeper raw %s: getChildren, getData, exists, delete, setData, create, setACL -> NoAuth%n", e.getKey());
            }
        } finally {
            intruders.values().forEach(CuratorFramework::close);
        }

        assertTrue(leader.isLeader(), "the leader kept its term throughout");
        assertEquals(term.fencingToken(), leader.leadership().orElseThrow().fencingToken());
        assertEquals(children, cluster.admin().getChildren().forPath(election), "the entry is untouched");
    }

    private interface ThrowingCall {
        Object call() throws Exception;
    }

    @Test
    void withCreatorReadAnyoneMayObserveButOnlyTheCreatorMayWrite() throws Exception {
        Election leader = candidate(coordinator(uri(String.join(",", cluster.addresses()), "&acl=creator-read"), cluster.options()), "leader", null);
        leader.awaitLeadership(WAIT);
        // An observer without credentials, on the plain port, sees the leader.
        Coordinator anonymous = coordinator(uri(ensemble.plainAddress(1), ""), CoordinatorOptions.defaults());
        Election observer = anonymous.election(ELECTION, ElectionOptions.builder().observer(true).build()).start();
        await().atMost(WAIT).until(() -> observer.leader().map(p -> p.id().equals("leader")).orElse(false));
        String election = ZKPaths.makePath(namespace, ELECTION);
        String entry = ZKPaths.makePath(election, cluster.admin().getChildren().forPath(election).get(0));
        try (CuratorFramework raw = raw(ensemble.plainAddress(1), null, null)) {
            assertThrows(KeeperException.NoAuthException.class, () -> raw.delete().forPath(entry));
            assertThrows(KeeperException.NoAuthException.class, () -> raw.create().forPath(election + "/x"));
        }
        assertTrue(leader.isLeader());
    }

    @Test
    void aNamespaceThatLetsEveryoneCreateAndDeleteIsRefused() throws Exception {
        cluster.admin().create().withMode(CreateMode.PERSISTENT).withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath("/" + namespace);
        String msg = refusedWithin(AccessDeniedException.class, cluster.options(), uri()).getMessage();
        assertTrue(msg.contains("world:anyone") && msg.contains("acl=open"), msg);
    }

    @Test
    void creatorOnlyWithoutAnIdentityIsRefusedUpFront() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Coordinator.connect(uri(ensemble.plainAddress(0), "&acl=creator"), CoordinatorOptions.defaults()));
        assertTrue(e.getMessage().contains("acl=creator") && e.getMessage().contains("no identity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Coordinator.connect(uri(ensemble.plainAddress(0), "&acl=everyone"), cluster.options()));
        assertTrue(e.getMessage().contains("acl 'everyone'"), e.getMessage());
    }

    @Test
    void badTlsSetUpsFailWithinTheConnectTimeoutNamingTheCause() {
        Credentials app = Pki.credentials("app");
        Tls untrusting = Tls.builder().trustedCertificates(pki.otherCa()).keyPair(pki.cert("app"), pki.key("app")).build();
        String msg = refusedWithin(CoordinatorUnavailableException.class, as(untrusting, app), uri()).getMessage();
        assertTrue(msg.contains("TLS handshake") && msg.contains("PKIX"), msg);
        msg = refusedWithin(CoordinatorUnavailableException.class, as(Tls.builder().trustedCertificates(pki.ca()).build(), app), uri()).getMessage();
        assertTrue(msg.contains("TLS handshake") && msg.contains("bad_certificate"), msg);
        msg = refusedWithin(CoordinatorUnavailableException.class, as(pki.tls("app"), app), uri(ensemble.plainAddress(0), "")).getMessage();
        assertTrue(msg.contains("TLS handshake") && msg.contains("may not speak TLS"), msg);
        msg = refusedWithin(CoordinatorUnavailableException.class, as(null, app), uri()).getMessage();
        assertTrue(msg.contains("if the servers take TLS"), msg);
        assertFalse(msg.contains(Pki.PASSWORDS.get("app")));
    }

    @Test
    void anApplicationsOwnCuratorFrameworkCarriesTheIdentityAndTheAclAndStaysOpen() throws Exception {
        CuratorFramework own = CuratorFrameworkFactory.builder().connectString(String.join(",", cluster.addresses()))
                .sessionTimeoutMs(3000).connectionTimeoutMs(3000).retryPolicy(new RetryNTimes(1, 100))
                .zkClientConfig(ZooKeeperCluster.tlsConfig(pki, "app"))
                .authorization("digest", ("app:" + Pki.PASSWORDS.get("app")).getBytes(StandardCharsets.UTF_8))
                .aclProvider(new org.apache.curator.framework.api.ACLProvider() {
                    @Override
                    public List<ACL> getDefaultAcl() {
                        return ZooDefs.Ids.CREATOR_ALL_ACL;
                    }

                    @Override
                    public List<ACL> getAclForPath(String path) {
                        return ZooDefs.Ids.CREATOR_ALL_ACL;
                    }
                }).build();
        own.start();
        try {
            assertThrows(IllegalArgumentException.class, () -> dev.elector.zookeeper.ZooKeeperCoordinators.connect(own, namespace, cluster.options()));
            Coordinator c = dev.elector.zookeeper.ZooKeeperCoordinators.connect(own, namespace, CoordinatorOptions.defaults());
            Election a = candidate(c, "a", null);
            Election b = candidate(coordinator(), "b", null);
            Leadership aTerm = a.awaitLeadership(WAIT);
            String election = ZKPaths.makePath(namespace, ELECTION);
            String entry = ZKPaths.makePath(election, cluster.admin().getChildren().forPath(election).get(0));
            assertTrue(cluster.admin().getACL().forPath(entry).stream().noneMatch(acl -> acl.getId().getScheme().equals("world")),
                    "the client's ACL provider made the entry");
            c.close();
            assertTrue(b.awaitLeadership(WAIT).fencingToken() > aTerm.fencingToken(), "closing handed over");
            assertEquals(org.apache.curator.framework.imps.CuratorFrameworkState.STARTED, own.getState(), "Elector left the client open");
            assertEquals(1, own.getChildren().forPath(election).size(), "the client still works, and a's entry is gone");
        } finally {
            own.close();
        }
    }
}
