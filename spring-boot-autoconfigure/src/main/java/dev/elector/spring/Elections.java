package dev.elector.spring;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.LeaderJob;
import dev.elector.Leadership;
import dev.elector.Participant;
import dev.elector.RevocationReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The elections this application declared under {@code elector.elections.*}, one participant per name for
 * the whole context, and the {@link LeaderScheduled} jobs on them.
 *
 * <p>A {@link SmartLifecycle} in {@link #PHASE}, the phase of Spring Integration's leader initiators: it
 * starts after the rest of the context and stops before it. On start the elections join, then the jobs
 * start. On stop the jobs stop first (a run in progress is interrupted), then every election gives way, so
 * a successor takes over at once instead of after a session timeout; the coordinator closes after that,
 * with the context's beans.
 *
 * <p>Each election publishes {@link LeadershipGrantedEvent}, {@link LeadershipRevokedEvent} and, through
 * an observer that follows its queue, {@link LeaderChangedEvent} on every instance.
 */
public final class Elections implements SmartLifecycle {
    /** The lifecycle phase: late to start, early to stop. */
    public static final int PHASE = Integer.MAX_VALUE - 1000;

    private static final Logger log = LoggerFactory.getLogger(Elections.class);

    private final Coordinator coordinator;
    private final ApplicationEventPublisher events;
    private final Map<String, Election> elections = new LinkedHashMap<>();
    /** Followers of each election's queue, for the leader-changed events and the endpoint. */
    private final Map<String, Election> followers = new LinkedHashMap<>();
    private final Map<String, Optional<Participant>> leaders = new ConcurrentHashMap<>();
    private final Supplier<List<Function<Elections, LeaderJob.Builder>>> jobs;
    private final List<LeaderJob> running = new ArrayList<>();
    private final Duration giveWayTimeout;
    private volatile boolean started;

    Elections(Coordinator coordinator, ElectorProperties properties, ApplicationEventPublisher events, Duration giveWayTimeout,
            Supplier<List<Function<Elections, LeaderJob.Builder>>> jobs) {
        this.coordinator = coordinator;
        this.jobs = jobs;
        this.events = events;
        this.giveWayTimeout = giveWayTimeout;
        for (String name : properties.elections().keySet()) {
            ElectionOptions options = properties.electionOptions(name);
            Election election = coordinator.election(name, options);
            elections.put(name, election);
            Election follower = options.observer() ? election
                    : coordinator.election(name, ElectionOptions.builder().participantId(election.participantId()).observer(true).build());
            followers.put(name, follower);
            leaders.put(name, Optional.empty());
            election.addListener(new Publisher(name));
            follower.addListener(new ElectionListener() {
                @Override
                public void leaderChanged(Optional<Participant> leader) {
                    leaders.put(name, leader);
                    publish(new LeaderChangedEvent(name, leader));
                }
            });
        }
    }

    /**
     * The participant of the declared election {@code name}.
     *
     * @param name a name under {@code elector.elections}
     * @return the election, started once the context has started
     * @throws IllegalArgumentException if the name is not declared
     */
    public Election get(String name) {
        Election e = elections.get(name);
        if (e == null) {
            throw new IllegalArgumentException(undeclared(name, names()));
        }
        return e;
    }

    /**
     * The declared election names.
     *
     * @return the names, in declaration order
     */
    public Set<String> names() {
        return elections.keySet();
    }

    /**
     * The coordinator every election here runs on.
     *
     * @return the coordinator
     */
    public Coordinator coordinator() {
        return coordinator;
    }

    /**
     * The head of {@code name}'s queue as last heard, without a read from the cluster.
     *
     * @param name a declared election
     * @return the leader, or empty if there is none or none was heard yet
     */
    public Optional<Participant> leader(String name) {
        get(name);
        return leaders.get(name);
    }

    static String undeclared(String name, Set<String> declared) {
        return "election '" + name + "' is not declared: add elector.elections." + name + ".role=candidate (declared: "
                + (declared.isEmpty() ? "none" : String.join(", ", declared)) + ")";
    }

    /**
     * Joins every election, then starts the jobs. If any of that fails, what did start is stopped again
     * before the failure is thrown: Spring does not stop a lifecycle whose start threw, so jobs started
     * before the failure would otherwise run on unsupervised.
     */
    @Override
    public synchronized void start() {
        try {
            for (String name : elections.keySet()) {
                Election follower = followers.get(name);
                follower.start();
                Election election = elections.get(name);
                if (election != follower) {
                    election.start();
                }
            }
            for (Function<Elections, LeaderJob.Builder> job : jobs.get()) {
                running.add(job.apply(this).start());
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        started = true;
    }

    @Override
    public synchronized void stop() {
        started = false;
        for (LeaderJob job : running) {
            job.close();
        }
        running.clear();
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (Election e : elections.values()) {
            leaving.add(e.closeAsync().toCompletableFuture());
        }
        for (Election e : followers.values()) {
            leaving.add(e.closeAsync().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).get(giveWayTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The entries then go with the session when the coordinator closes.
            log.warn("Not every election gave way within {}: {}", giveWayTimeout, e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** A listener that fails must not stop the others from hearing, nor the election from going on. */
    private void publish(Object event) {
        try {
            events.publishEvent(event);
        } catch (RuntimeException e) {
            log.warn("A listener of {} failed", event, e);
        }
    }

    private final class Publisher implements ElectionListener {
        private final String name;

        Publisher(String name) {
            this.name = name;
        }

        @Override
        public void elected(Leadership term) {
            publish(new LeadershipGrantedEvent(name, term));
        }

        @Override
        public void revoked(Leadership term, RevocationReason reason) {
            publish(new LeadershipRevokedEvent(name, term, reason));
        }
    }
}
