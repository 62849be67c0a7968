package dev.elector.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** A single-node ZooKeeper in this JVM on 127.0.0.1, with a data directory deleted on close. */
final class EmbeddedZooKeeper implements AutoCloseable {
    private final ZooKeeperServerEmbedded server;
    private final Path dir;
    private final int port;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, Path dir, int port) {
        this.server = server;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts a server; {@code tickMillis} bounds the session timeouts it grants to 2 to 20 ticks.
     *
     * @param port the client port, or 0 for a free one
     */
    static EmbeddedZooKeeper start(int port, int tickMillis) throws Exception {
        int chosen = port == 0 ? freePort() : checkFree(port);
        Path dir = Files.createTempDirectory(Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir")),
                "elector-zk-");
        Properties config = new Properties();
        config.setProperty("tickTime", Integer.toString(tickMillis));
        config.setProperty("clientPort", Integer.toString(chosen));
        config.setProperty("clientPortAddress", "127.0.0.1");
        config.setProperty("admin.enableServer", "false");
        config.setProperty("4lw.commands.whitelist", "srvr,ruok");
        try {
            ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(config).exitHandler(ExitHandler.LOG_ONLY).build();
            server.start(10_000);
            return new EmbeddedZooKeeper(server, dir, chosen);
        } catch (Exception e) {
            delete(dir);
            throw new IllegalStateException("could not start ZooKeeper on 127.0.0.1:" + chosen + ": " + Main.oneLine(e), e);
        }
    }

    int port() {
        return port;
    }

    String uri(String namespace, String options) {
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
    public void close() {
        server.close();
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
