package dev.elector.patterns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The real runtime for the same handlers: TCP on 127.0.0.1, {@link System#nanoTime()}, and one event thread
 * per node that makes every handler call, so a handler is as single-threaded here as in the simulator.
 * A message that cannot be sent (the peer is down) is dropped, as the simulator's network drops it. The
 * first line on every connection is the sender's id.
 */
final class TcpNode implements Context, AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 200;

    private final int id;
    private final int[] ports;
    private final Handler handler;
    private final Consumer<String> log;
    private final ServerSocket server;
    private final ScheduledExecutorService loop;
    private final Socket[] out;
    private final List<Socket> in = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();   // event and reader threads, to join; guarded by in
    private final Thread acceptor;
    private final SplittableRandom random;
    private volatile long token = -1;
    private volatile boolean closed;

    /**
     * Starts a node on an already bound server socket (so tests can use ephemeral ports).
     *
     * @param ports every node's port, indexed by id
     */
    TcpNode(int id, ServerSocket server, int[] ports, Handler handler, Consumer<String> log) {
        this.id = id;
        this.ports = ports.clone();
        this.handler = handler;
        this.log = log;
        this.server = server;
        this.out = new Socket[ports.length];
        this.random = new SplittableRandom(System.nanoTime() ^ id);
        this.loop = Executors.newSingleThreadScheduledExecutor(this::loopThread);
        this.acceptor = new Thread(this::accept, "patterns-accept-" + id);
        acceptor.start();
        post(() -> handler.start(this));
    }

    /**
     * Makes the event thread and keeps it, so {@link #close()} can join it: the executor's termination
     * comes before its worker thread has returned, so awaiting termination alone can leave it running.
     */
    private Thread loopThread(Runnable r) {
        Thread thread = new Thread(r, "patterns-node-" + id);
        synchronized (in) {
            threads.add(thread);
        }
        return thread;
    }

    static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    /** The token this node leads with, or -1 if it does not believe it leads. */
    long leading() {
        return token;
    }

    private void post(Runnable action) {
        try {
            loop.execute(() -> {
                if (!closed) {
                    action.run();
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: nothing more to do
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                synchronized (in) {
                    if (closed) {
                        socket.close();
                        return;
                    }
                    in.add(socket);
                    Thread reader = new Thread(() -> read(socket), "patterns-read-" + id);
                    threads.add(reader);
                    reader.start();
                }
            } catch (IOException e) {
                return;   // the server socket was closed
            }
        }
    }

    private void read(Socket socket) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            if (first == null) {
                return;
            }
            int from = Integer.parseInt(first.trim());
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Msg msg = Codec.decode(line);
                post(() -> handler.onMessage(this, from, msg));
            }
        } catch (IOException | RuntimeException e) {
            // the peer went away, or sent garbage: drop the connection, as a lost message
        }
    }

    @Override
    public int self() {
        return id;
    }

    @Override
    public int nodes() {
        return ports.length;
    }

    @Override
    public long now() {
        return System.nanoTime();
    }

    @Override
    public void send(int to, Msg msg) {
        byte[] line = (Codec.encode(msg) + "\n").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (out[to] == null) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[to]), CONNECT_TIMEOUT_MS);
                    socket.setTcpNoDelay(true);
                    socket.getOutputStream().write((id + "\n").getBytes(StandardCharsets.UTF_8));
                    out[to] = socket;
                }
                OutputStream stream = out[to].getOutputStream();
                stream.write(line);
                stream.flush();
                return;
            } catch (IOException e) {
                closeQuietly(out[to]);
                out[to] = null;   // try a fresh connection once, then drop the message
            }
        }
    }

    @Override
    public Timer setTimer(long delayNanos, String tag) {
        try {
            ScheduledFuture<?> future = loop.schedule(() -> {
                if (!closed) {
                    handler.onTimer(this, tag);
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    @Override
    public RandomGenerator random() {
        return random;
    }

    @Override
    public void lead(long newToken, long deadline) {
        if (token != newToken) {
            token = newToken;
            log.accept("node " + id + " leads with token " + newToken);
        }
    }

    @Override
    public void unlead() {
        if (token >= 0) {
            token = -1;
            log.accept("node " + id + " no longer leads");
        }
    }

    /** Stops the event thread, closes every socket and waits for this node's threads to end. */
    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        closeQuietly(server);
        List<Thread> started;
        synchronized (in) {
            in.forEach(TcpNode::closeQuietly);
            started = new ArrayList<>(threads);
        }
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
            for (Socket socket : out) {
                closeQuietly(socket);
            }
            acceptor.join(5_000);
            for (Thread t : started) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
