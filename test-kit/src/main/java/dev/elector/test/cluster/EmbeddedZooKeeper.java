package dev.elector.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A single-node ZooKeeper in this JVM on 127.0.0.1, with a data directory deleted on close: the kit's
 * {@code EMBEDDED_ZOOKEEPER} tier, and the {@code elector} command's dev-server and demo.
 */
public final class EmbeddedZooKeeper implements ZooKeeperEnsemble {
    private ZooKeeperServerEmbedded server;
    private final Path dir;
    private final int port;
    private final int tickMillis;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, Path dir, int port, int tickMillis) {
        this.server = server;
        this.tickMillis = tickMillis;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts a server; {@code tickMillis} bounds the session timeouts it grants to 2 to 20 ticks.
     *
     * @param port the client port, or 0 for a free one
     * @param tickMillis ZooKeeper's tick
     * @return the running server
     * @throws IllegalArgumentException if the port is taken
     * @throws IllegalStateException if the server did not start
     * @throws IOException if the port cannot be checked or found, or the data directory cannot be made
     */
    public static EmbeddedZooKeeper start(int port, int tickMillis) throws IOException {
        int chosen = port == 0 ? freePort() : checkFree(port);
        Path dir = Files.createTempDirectory(Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir")),
                "elector-zk-");
        try {
            return new EmbeddedZooKeeper(launch(dir, chosen, tickMillis), dir, chosen, tickMillis);
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    private static ZooKeeperServerEmbedded launch(Path dir, int port, int tickMillis) {
        Properties config = new Properties();
        config.setProperty("tickTime", Integer.toString(tickMillis));
        config.setProperty("clientPort", Integer.toString(port));
        config.setProperty("clientPortAddress", "127.0.0.1");
        config.setProperty("admin.enableServer", "false");
        config.setProperty("4lw.commands.whitelist", "srvr,ruok");
        try {
            ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(config).exitHandler(ExitHandler.LOG_ONLY).build();
            server.start(10_000);
            return server;
        } catch (Exception e) {
            throw new IllegalStateException("could not start ZooKeeper on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The client port.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * A {@code zk://} URI to this server.
     *
     * @param namespace the namespace
     * @param options URI options such as {@code sessionTimeout=2s}, or empty
     * @return the URI
     */
    public String uri(String namespace, String options) {
        return "zk://127.0.0.1:" + port + "/" + namespace + (options.isEmpty() ? "" : "?" + options);
    }

    /** A taken port fails at once with one line; ZooKeeper itself would retry for seconds, then print a trace. */
    private static int checkFree(int port) throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
            return port;
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("port " + port + " on 127.0.0.1 is in use (is a dev-server already running?): stop what uses it,"
                    + " or give --port 0 for a free one");
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public String address(int member) {
        return "127.0.0.1:" + port;
    }

    @Override
    public void pause(int member) {
        throw new UnsupportedOperationException("an embedded server runs in the test's own JVM and cannot be paused: use ZOOKEEPER for pauses");
    }

    @Override
    public void resume(int member) {
        pause(member);
    }

    /** Stops the server, keeping its data, as a crash would. */
    @Override
    public synchronized void kill(int member) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the server again on its data and port. */
    @Override
    public synchronized void restart(int member) {
        if (server == null) {
            server = launch(dir, port, tickMillis);
        }
    }

    @Override
    public synchronized void close() {
        kill(0);
        delete(dir);
    }

    private static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
