package dev.elector;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what all elections of one coordinator share: the backend session, the renewal loop, and three
 * small thread pools (a timer, the election workers, the listener threads), created here and stopped in
 * {@link #close()}.
 */
final class DefaultCoordinator implements Coordinator {
    private static final Logger log = LoggerFactory.getLogger(DefaultCoordinator.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Schemes Elector ships a module for, so a missing one can be named in the error. */
    private static final Map<String, String> ARTIFACTS = Map.of("zk", "dev.elector:elector-zookeeper", "etcd", "dev.elector:elector-etcd");
    private static final int WORKERS = 4;
    private static final int CALLBACK_THREADS = 4;

    private final ConnectionSpec spec;
    private final Backend backend;
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor callbackPool;
    private final Liveness liveness;
    private final Set<Candidate> elections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DefaultCoordinator(ConnectionSpec spec, Backend backend) {
        this.spec = spec;
        this.backend = backend;
        String id = "elector-" + IDS.incrementAndGet();
        this.timer = new ScheduledThreadPoolExecutor(1, threads(id + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.workers = pool(WORKERS, id + "-worker");
        this.callbackPool = pool(CALLBACK_THREADS, id + "-callback");
        this.liveness = new Liveness(backend, timer, spec.options().safetyMargin().toNanos(),
                () -> forEachElection(c -> c.livenessLost(RevocationReason.DEADLINE_PASSED, false)),
                epoch -> forEachElection(c -> c.livenessLost(RevocationReason.SESSION_LOST, true)));
    }

    static Coordinator connect(String uri, CoordinatorOptions options) {
        Objects.requireNonNull(options, "options");
        String scheme = Uris.scheme(uri);
        BackendProvider provider = provider(scheme, uri);
        ConnectionSpec spec = Uris.parse(uri, provider.defaultPort(), options);
        Backend backend = provider.connect(spec);
        DefaultCoordinator coordinator = null;
        try {
            coordinator = new DefaultCoordinator(spec, backend);
            coordinator.start();
            return coordinator;
        } catch (RuntimeException e) {
            if (coordinator != null) {
                coordinator.close();
            } else {
                backend.close();
            }
            throw e;
        }
    }

    private static BackendProvider provider(String scheme, String uri) {
        Optional<BackendProvider> found = ServiceLoader.load(BackendProvider.class, DefaultCoordinator.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals(scheme))
                .findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        String artifact = ARTIFACTS.get(scheme);
        if (artifact == null) {
            throw new IllegalArgumentException("uri '" + Checks.printable(uri) + "' has the unknown scheme '" + scheme
                    + "': Elector serves zk:// (artifact elector-zookeeper) and etcd:// (artifact elector-etcd)");
        }
        throw new ElectionException("No backend for " + scheme + ":// is on the classpath: add the dependency " + artifact);
    }

    private void start() {
        backend.setSessionListener(liveness);
        Duration limit = spec.options().connectTimeout();
        try {
            liveness.start().get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("Interrupted while connecting to " + spec.uri(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CoordinatorUnavailableException("The first session renewal with " + spec.uri() + " was not acknowledged within "
                    + limit, e instanceof ExecutionException ? e.getCause() : e);
        }
        log.info("Connected to {} (session timeout {}, safety margin {})", spec.uri(), backend.sessionTimeout(), spec.options().safetyMargin());
    }

    @Override
    public Election election(String name) {
        return election(name, ElectionOptions.defaults());
    }

    @Override
    public Election election(String name, ElectionOptions options) {
        Checks.name("election name", name);
        Objects.requireNonNull(options, "options");
        if (closed) {
            throw new ElectionClosedException("coordinator for " + spec.uri() + " is closed");
        }
        Candidate candidate = new Candidate(this, name, options);
        elections.add(candidate);
        return candidate;
    }

    @Override
    public String uri() {
        return spec.uri();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Candidate candidate : new ArrayList<>(elections)) {
            try {
                candidate.close();
            } catch (RuntimeException e) {
                log.warn("Closing {} failed; its entry goes with the session", candidate, e);
            }
        }
        liveness.stop();
        try {
            backend.close();
        } finally {
            timer.shutdownNow();
            workers.shutdown();
            callbackPool.shutdown();
            awaitQuietly(List.of(timer, workers, callbackPool));
        }
    }

    private static void awaitQuietly(List<ExecutorService> pools) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            for (ExecutorService pool : pools) {
                if (!pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    pool.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Backend backend() {
        return backend;
    }

    Liveness liveness() {
        return liveness;
    }

    ExecutorService workers() {
        return workers;
    }

    ExecutorService callbackPool() {
        return callbackPool;
    }

    /** How long close and resign wait for the backend: one connect attempt plus one session timeout. */
    Duration operationTimeout() {
        return spec.options().connectTimeout().plus(backend.sessionTimeout());
    }

    /** Retries after a failed backend call: soon enough to catch a reconnect, sparse enough not to spin. */
    Duration retryDelay() {
        long millis = Math.max(50, Math.min(1000, backend.sessionTimeout().toMillis() / 10));
        return Duration.ofMillis(millis);
    }

    /**
     * Runs {@code task} on the timer after {@code delay}. A task due after the timer's next one (while a
     * session lives, the next renewal or deadline check) wakes no thread; a cancelled one leaves the queue.
     *
     * @return what cancels the task
     */
    Runnable schedule(Runnable task, Duration delay) {
        if (!timer.isShutdown()) {
            try {
                ScheduledFuture<?> scheduled = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> scheduled.cancel(false);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: nothing left to retry
            }
        }
        return () -> { };
    }

    void forget(Candidate candidate) {
        elections.remove(candidate);
    }

    private void forEachElection(java.util.function.Consumer<Candidate> action) {
        for (Candidate candidate : elections) {
            action.accept(candidate);
        }
    }

    private static ThreadPoolExecutor pool(int size, String prefix) {
        // Threads time out when idle: a coordinator with quiet elections keeps no pool threads alive.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads(prefix));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return "Coordinator{" + spec.uri() + ", session=" + Long.toHexString(liveness.epoch()) + "}";
    }
}
