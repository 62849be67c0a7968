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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what all elections of one coordinator share: the backend session, the renewal loop, and three
 * small thread pools (a timer, the election workers, the listener threads), created here and stopped in
 * {@link #close()}. No election task blocks, so two workers serve any number of elections.
 */
final class DefaultCoordinator implements Coordinator {
    private static final Logger log = LoggerFactory.getLogger(DefaultCoordinator.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Schemes Elector ships a module for, so a missing one can be named in the error. */
    private static final Map<String, String> ARTIFACTS = Map.of("zk", "dev.elector:elector-zookeeper", "etcd", "dev.elector:elector-etcd");
    /** What each server allows, for the error when it grants another session timeout than asked for. */
    private static final Map<String, String> TIMEOUT_RULES = Map.of(
            "zk", "ZooKeeper allows minSessionTimeout to maxSessionTimeout, 2 to 20 ticks unless configured",
            "etcd", "etcd's minimum lease TTL is about 1.5 times the members' --election-timeout");
    /**
     * How long a leader giving way waits for its revocation listeners before it deletes its entry: enough
     * for listeners that only tell work to stop.
     */
    static final Duration REVOCATION_WAIT = Duration.ofSeconds(1);
    private static final int WORKERS = 2;
    private static final int LISTENER_THREADS = 4;

    private final ConnectionSpec spec;
    private final ScheduledThreadPoolExecutor timer;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor listenerThreads;
    private final Liveness liveness;
    private final Set<Member> elections = ConcurrentHashMap.newKeySet();
    private Backend backend;
    /** The backend as elections use it: calls in a bounded window. */
    private Backend windowed;
    private volatile boolean closed;
    private final Listeners<ConnectionListener> connectionListeners;
    /** Guarded by {@link #connectionListeners}; no one sees it before the first renewal is acknowledged. */
    private ConnectionState state = ConnectionState.CONNECTED;

    /** @param clock the clock, or null for the system's, on this coordinator's timer thread */
    private DefaultCoordinator(ConnectionSpec spec, Clock clock) {
        this.spec = spec;
        String id = "elector-" + IDS.incrementAndGet();
        this.timer = new ScheduledThreadPoolExecutor(1, threads(id + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.clock = clock != null ? clock : new SystemClock(timer);
        this.workers = pool(WORKERS, id + "-worker");
        this.listenerThreads = pool(LISTENER_THREADS, id + "-callback");
        this.connectionListeners = new Listeners<>("the connection to " + spec.uri(), new SerialExecutor(listenerThreads));
        this.liveness = new Liveness(this.clock, spec.options().safetyMargin().toNanos(),
                () -> {
                    moveTo(ConnectionState.SUSPENDED);
                    forEachElection(Member::deadlinePassed);
                },
                () -> {
                    moveTo(ConnectionState.CONNECTED);
                    forEachElection(Member::sessionValid);
                },
                epoch -> {
                    moveTo(ConnectionState.SESSION_LOST);
                    forEachElection(c -> c.sessionChanged(epoch));
                },
                (roundTrip, failure) -> connectionListeners.tell(l -> l.renewed(roundTrip, failure)));
    }

    static Coordinator connect(String uri, CoordinatorOptions options) {
        return connect(uri, options, null);
    }

    /** Connects on {@code clock}, or the system's if null: tests drive deadlines with a clock of their own. */
    static DefaultCoordinator connect(String uri, CoordinatorOptions options, Clock clock) {
        return connect(uri, options, null, clock);
    }

    /** Connects through {@code given}, or the provider of the URI's scheme if null. */
    static DefaultCoordinator connect(String uri, CoordinatorOptions options, BackendProvider given, Clock clock) {
        Objects.requireNonNull(options, "options");
        String scheme = Uris.scheme(uri);
        BackendProvider provider = given != null ? given : provider(scheme, uri);
        ConnectionSpec spec = Uris.parse(uri, provider.defaultPort(), options, provider.uriOptions());
        DefaultCoordinator coordinator = new DefaultCoordinator(spec, clock != null ? clock : options.clock().orElse(null));
        try {
            coordinator.backend = provider.connect(spec, coordinator.liveness);
            coordinator.windowed = new WindowedBackend(coordinator.backend, coordinator.workers);
            coordinator.start();
            return coordinator;
        } catch (RuntimeException e) {
            coordinator.close();
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
        // The backend reports what the server granted; the rules are applied here, once for every backend.
        Duration requested = spec.options().sessionTimeout();
        Duration granted = backend.sessionTimeout();
        if (!granted.equals(requested)) {
            String rule = TIMEOUT_RULES.getOrDefault(spec.scheme().substring(spec.scheme().indexOf('+') + 1), "the server has bounds of its own");
            throw new IllegalArgumentException("sessionTimeout " + Durations.format(requested) + " is outside the bounds of the cluster at " + spec.uri()
                    + ": it granted " + Durations.format(granted) + ". " + rule);
        }
        Duration limit = spec.options().connectTimeout();
        try {
            liveness.start(backend).get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("Interrupted while connecting to " + spec.uri(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CoordinatorUnavailableException("The first session renewal with " + spec.uri() + " was not acknowledged within "
                    + Durations.format(limit), e instanceof ExecutionException ? e.getCause() : e);
        }
        log.info("Connected to {} (session timeout {}, safety margin {})", spec.uri(), Durations.format(granted), Durations.format(spec.options().safetyMargin()));
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
        Member member = options.observer() ? new Observer(this, name, options) : new Candidate(this, name, options);
        elections.add(member);
        return new DefaultElection(this, member);
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
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Member member : new ArrayList<>(elections)) {
            closing.add(member.close());
        }
        if (!closing.isEmpty()) {
            try {
                await(CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)), "close the elections");
            } catch (ElectionException e) {
                log.warn("Closing the elections of {} did not finish: {}; their entries go with the session", spec.uri(), e.getMessage());
            }
        }
        liveness.stop();
        moveTo(ConnectionState.CLOSED);
        try {
            if (backend != null) {
                backend.close();
            }
        } finally {
            timer.shutdownNow();
            workers.shutdown();
            listenerThreads.shutdown();
            awaitQuietly(List.of(timer, workers, listenerThreads));
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

    @Override
    public ConnectionState connectionState() {
        synchronized (connectionListeners) {
            return state;
        }
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
        connectionListeners.add(listener);
    }

    @Override
    public void removeConnectionListener(ConnectionListener listener) {
        connectionListeners.remove(listener);
    }

    /** Moves to {@code next} and tells the listeners; queued under the lock so that they hear in order. */
    private void moveTo(ConnectionState next) {
        synchronized (connectionListeners) {
            if (state == next || state == ConnectionState.CLOSED) {
                return;
            }
            state = next;
            connectionListeners.tell(l -> l.stateChanged(next));
        }
    }

    /** The backend for elections' calls, which wait their turn in a bounded window. */
    Backend backend() {
        return windowed;
    }

    Liveness liveness() {
        return liveness;
    }

    Executor workers() {
        return workers;
    }

    /**
     * Where an election's listeners take their turns: Elector's listener threads, or the user's executor
     * handed each turn from one of them, so that even a direct executor never runs a listener on a
     * backend's thread or inside an election's step. A turn the user's executor refuses runs right there.
     */
    Executor listenerPool(Optional<Executor> chosen) {
        if (chosen.isEmpty()) {
            return listenerThreads;
        }
        Executor users = chosen.get();
        return turn -> listenerThreads.execute(() -> {
            try {
                users.execute(turn);
            } catch (RuntimeException e) {
                // Dropping the turn would lose events, and a lost() handler would never hear of the loss.
                log.error("A listener executor refused a task ({}); it runs on Elector's listener thread", e.toString());
                turn.run();
            }
        });
    }

    /** How long one acknowledged renewal keeps a term valid. */
    Duration termValidity() {
        return backend.sessionTimeout().minus(spec.options().safetyMargin());
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
     * Waits for {@code stage} on the calling thread, at most {@link #operationTimeout()}.
     *
     * @throws ElectionTimeoutException if it did not complete in time; the work goes on in the background
     * @throws ElectionException if it failed, with the cause
     */
    <T> T await(CompletionStage<T> stage, String what) {
        Duration limit = operationTimeout();
        try {
            return stage.toCompletableFuture().get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ElectionException("Interrupted while waiting to " + what, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ElectionException ee ? ee : new ElectionException("Could not " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ElectionTimeoutException("Could not " + what + " within " + Durations.format(limit) + "; it goes on in the background");
        }
    }

    /**
     * A stage that completes as {@code stage} does, or fails with a {@link TimeoutException} after
     * {@code limit} on this coordinator's clock.
     */
    <T> CompletableFuture<T> within(CompletableFuture<T> stage, Duration limit) {
        CompletableFuture<T> bounded = new CompletableFuture<>();
        Runnable cancel = schedule(() -> bounded.completeExceptionally(new TimeoutException("not done within " + Durations.format(limit))), limit);
        stage.whenComplete((value, error) -> {
            cancel.run();
            if (error == null) {
                bounded.complete(value);
            } else {
                bounded.completeExceptionally(error);
            }
        });
        return bounded;
    }

    /**
     * Runs {@code task} on the clock after {@code delay}.
     *
     * @return what cancels the task
     */
    Runnable schedule(Runnable task, Duration delay) {
        return clock.schedule(task, delay.toNanos());
    }

    void forget(Member member) {
        elections.remove(member);
    }

    private void forEachElection(Consumer<Member> action) {
        for (Member member : elections) {
            action.accept(member);
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

    /** The system's clock, with this coordinator's timer thread. */
    private static final class SystemClock implements Clock {
        private final ScheduledThreadPoolExecutor timer;

        SystemClock(ScheduledThreadPoolExecutor timer) {
            this.timer = timer;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Runnable schedule(Runnable task, long delayNanos) {
            try {
                ScheduledFuture<?> scheduled = timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                return () -> scheduled.cancel(false);
            } catch (RejectedExecutionException e) {
                return () -> { }; // closing: nothing left to run
            }
        }
    }

    @Override
    public String toString() {
        return "Coordinator{" + spec.uri() + ", session=" + Long.toHexString(liveness.epoch()) + "}";
    }
}
