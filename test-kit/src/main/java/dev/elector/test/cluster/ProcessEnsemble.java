package dev.elector.test.cluster;

import static org.awaitility.Awaitility.await;

import dev.elector.test.cluster.Pki;
import dev.elector.test.cluster.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A ZooKeeper 3.9.5 ensemble as forked JVMs running {@code QuorumPeerMain} on free loopback ports, with
 * a short tick so that sessions and failovers take seconds, not minutes.
 */
public final class ProcessEnsemble implements ZooKeeperEnsemble, Processes.Launchable {
    /** 200 ms ticks: sessions may last 0.4 s to 4 s (2 to 20 ticks), which keeps the suite fast. */
    static final int TICK_MS = 200;

    private final Path root;
    private final Pki pki;
    private final int[] clientPorts;
    /** TLS client ports of a secured ensemble; the plain ports then serve only the four-letter words and intruder tests. */
    private final int[] securePorts;
    private final Process[] servers;

    private ProcessEnsemble(Path root, int size, Pki pki) {
        this.root = root;
        this.pki = pki;
        this.clientPorts = new int[size];
        this.securePorts = new int[size];
        this.servers = new Process[size];
    }

    /**
     * Starts a plain ensemble and waits until every member serves as leader or follower.
     *
     * @param size the number of members
     * @return the running ensemble
     */
    public static ProcessEnsemble start(int size) {
        return start(size, null);
    }

    /**
     * An ensemble that also takes TLS clients on a secure port, with certificates of {@code pki}'s CA
     * required, x509 identities, and a super user ({@code super} with root's test password) for the
     * operator's client.
     *
     * @param size the number of members
     * @param pki the certificates the servers present and trust
     * @return the running ensemble
     */
    public static ProcessEnsemble startSecured(int size, Pki pki) {
        return start(size, pki);
    }

    private static ProcessEnsemble start(int size, Pki pki) {
        return Processes.launch("elector-zk-", root -> new ProcessEnsemble(root, size, pki));
    }

    @Override
    public List<Path> logs() {
        return java.util.stream.IntStream.range(0, servers.length).mapToObj(i -> root.resolve("member-" + (i + 1) + "/server.log")).toList();
    }

    @Override
    public void launch() {
        int size = clientPorts.length;
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            clientPorts[i] = Processes.freePort();
            securePorts[i] = Processes.freePort();
            servers.add("server." + (i + 1) + "=127.0.0.1:" + Processes.freePort() + ":" + Processes.freePort());
        }
        for (int i = 0; i < size; i++) {
            Path dir = root.resolve("member-" + (i + 1));
            try {
                Files.createDirectories(dir.resolve("data"));
                Files.writeString(dir.resolve("data/myid"), Integer.toString(i + 1));
                List<String> cfg = new ArrayList<>(List.of(
                        "tickTime=" + TICK_MS,
                        "initLimit=20",
                        "syncLimit=5",
                        "dataDir=" + dir.resolve("data"),
                        "clientPort=" + clientPorts[i],
                        "clientPortAddress=127.0.0.1",
                        "admin.enableServer=false",
                        "4lw.commands.whitelist=srvr,ruok",
                        "standaloneEnabled=false",
                        "reconfigEnabled=false"));
                cfg.addAll(servers);
                if (pki != null) {
                    cfg.addAll(List.of(
                            "secureClientPort=" + securePorts[i],
                            "secureClientPortAddress=127.0.0.1",
                            "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
                            "ssl.keyStore.location=" + pki.pem("server"),
                            "ssl.keyStore.type=PEM",
                            "ssl.trustStore.location=" + pki.ca(),
                            "ssl.trustStore.type=PEM",
                            "ssl.clientAuth=need"));
                }
                Files.write(dir.resolve("zoo.cfg"), cfg);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            startMember(i);
        }
        for (int i = 0; i < size; i++) {
            awaitServing(i);
        }
    }

    private void startMember(int i) {
        Path dir = root.resolve("member-" + (i + 1));
        List<String> jvm = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.jmx.log4j.disable=true"));
        if (pki != null) {
            jvm.add("-Dzookeeper.authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider");
            jvm.add("-Dzookeeper.DigestAuthenticationProvider.superDigest=" + superDigest());
        }
        servers[i] = Processes.startJava("org.apache.zookeeper.server.quorum.QuorumPeerMain", jvm,
                List.of(dir.resolve("zoo.cfg").toString()), dir.resolve("server.log"), false);
    }

    private void awaitServing(int i) {
        await("ZooKeeper member " + (i + 1) + " serving").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!servers[i].isAlive()) {
                        throw new IllegalStateException("ZooKeeper member " + (i + 1) + " died; see " + root.resolve("member-" + (i + 1) + "/server.log"));
                    }
                    return mode(i).matches("leader|follower");
                });
    }

    @Override
    public void kill(int member) {
        Processes.kill(servers[member]);
    }

    @Override
    public void restart(int member) {
        startMember(member);
        awaitServing(member);
    }

    /** The member's role from the {@code srvr} four-letter word, or {@code down}. */
    String mode(int member) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), clientPorts[member])) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : reply.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring(6).trim();
                }
            }
            return "down";
        } catch (IOException e) {
            return "down";
        }
    }

    @Override
    public int size() {
        return clientPorts.length;
    }

    @Override
    public String address(int member) {
        return "127.0.0.1:" + (pki == null ? clientPorts[member] : securePorts[member]);
    }

    /**
     * The plain client port, where a secured ensemble's ACLs still apply.
     *
     * @param member 0 to size() - 1
     * @return {@code 127.0.0.1:port}
     */
    public String plainAddress(int member) {
        return "127.0.0.1:" + clientPorts[member];
    }

    @Override
    public Pki pki() {
        return pki;
    }

    /** {@code super:base64(sha1("super:<password>"))}, ZooKeeper's digest of the super user. */
    private static String superDigest() {
        try {
            byte[] sha = java.security.MessageDigest.getInstance("SHA-1").digest(("super:" + Pki.PASSWORDS.get("root")).getBytes(StandardCharsets.UTF_8));
            return "super:" + java.util.Base64.getEncoder().encodeToString(sha);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void pause(int member) {
        Processes.signal(servers[member], "STOP");
    }

    @Override
    public void resume(int member) {
        Processes.signal(servers[member], "CONT");
    }

    @Override
    public void close() {
        for (Process server : servers) {
            if (server != null) {
                Processes.kill(server); // SIGKILL ends a SIGSTOPped process too
            }
        }
        Processes.deleteTree(root);
    }
}
