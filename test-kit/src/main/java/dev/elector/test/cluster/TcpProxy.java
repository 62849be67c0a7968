package dev.elector.test.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between one participant and one cluster member. It can hold traffic in either
 * direction (a blackhole: bytes wait, as in a real partition, and flow again on heal), delay it, or reset
 * every connection. Blocking a direction stops reading from that side, so TCP back-pressure, not loss,
 * is what the endpoints see. It also counts the bytes it passes each way, which the bench reports.
 */
public final class TcpProxy implements AutoCloseable {
    /** Which way traffic flows. */
    public enum Direction { /** Participant to member. */ TO_SERVER, /** Member to participant. */ TO_CLIENT }

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean toServerBlocked;
    private volatile boolean toClientBlocked;
    private volatile boolean closed;
    private volatile long delayMillis;
    private final AtomicLong toServerBytes = new AtomicLong();
    private final AtomicLong toClientBytes = new AtomicLong();

    /**
     * Starts a proxy on an ephemeral loopback port.
     *
     * @param target the member's address, {@code host:port}
     */
    public TcpProxy(String target) {
        int colon = target.lastIndexOf(':');
        this.targetHost = target.substring(0, colon);
        this.targetPort = Integer.parseInt(target.substring(colon + 1));
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Where clients connect.
     *
     * @return {@code 127.0.0.1:port}
     */
    public String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /**
     * Holds traffic in the given directions until {@link #heal()}.
     *
     * @param directions one or both directions
     */
    public void block(Direction... directions) {
        for (Direction d : directions) {
            if (d == Direction.TO_SERVER) {
                toServerBlocked = true;
            } else {
                toClientBlocked = true;
            }
        }
    }

    /**
     * Delays every chunk in both directions by {@code delay}, until {@link #heal()}.
     *
     * @param delay how long each chunk waits, to the millisecond; zero for none
     */
    public void delay(java.time.Duration delay) {
        delayMillis = delay.toMillis();
    }

    /** Lets traffic flow again, undelayed. */
    public void heal() {
        delayMillis = 0;
        synchronized (gate) {
            toServerBlocked = false;
            toClientBlocked = false;
            gate.notifyAll();
        }
    }

    /** Closes every open connection, as a reset would; new connections are accepted. */
    public void reset() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
    }

    /**
     * Bytes passed so far in one direction.
     *
     * @param direction which way
     * @return the count
     */
    public long bytes(Direction direction) {
        return (direction == Direction.TO_SERVER ? toServerBytes : toClientBytes).get();
    }

    /**
     * Connections open now.
     *
     * @return the count, each a client and server socket pair
     */
    public int connections() {
        return sockets.size() / 2;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(new InetSocketAddress(targetHost, targetPort), 2000);
                } catch (IOException e) {
                    closeQuietly(client); // the member is down: refuse, as it would
                    closeQuietly(server);
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, Direction.TO_SERVER);
                pump(server, client, Direction.TO_CLIENT);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, Direction direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (true) {
                    awaitOpen(direction);
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    awaitOpen(direction); // a block that came while reading holds these bytes too
                    long delay = delayMillis;
                    if (delay > 0) {
                        Thread.sleep(delay); // a slow link, not a wait for a condition
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    (direction == Direction.TO_SERVER ? toServerBytes : toClientBytes).addAndGet(n);
                }
            } catch (IOException | InterruptedException e) {
                // a side closed, or a reset
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "proxy-" + direction + "-" + listener.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private void awaitOpen(Direction direction) throws InterruptedException {
        synchronized (gate) {
            while (!closed && (direction == Direction.TO_SERVER ? toServerBlocked : toClientBlocked)) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closed = true;
        heal();
        closeQuietly(listener);
        reset();
    }
}
