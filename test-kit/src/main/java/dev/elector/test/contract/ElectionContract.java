package dev.elector.test.contract;

import dev.elector.test.TestCluster;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.Processes;
import dev.elector.test.cluster.ParticipantMain;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.CoordinatorUnavailableException;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.LeaderJob;
import dev.elector.Leadership;
import dev.elector.Participant;
import dev.elector.RevocationReason;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every backend must show, written against the public API only. Each backend runs it
 * unchanged through a subclass named after it (for example {@code ZooKeeperElectionContractIT}) that
 * provides a real cluster. Tests share the cluster and keep apart by namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ElectionContract {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    /** What "a small bound" above the session timeout means on a slow, shared 2-core machine. */
    protected static final Duration FAILOVER_SLACK = Duration.ofSeconds(4);
    /** How long a test waits for a state it expects, before it fails. */
    protected static final Duration WAIT = Duration.ofSeconds(30);
    /** The name of the election the tests run, in each test's own namespace. */
    protected static final String ELECTION = "job";

    private final List<AutoCloseable> opened = Collections.synchronizedList(new ArrayList<>());
    private final List<Process> children = new CopyOnWriteArrayList<>();
    /** The current test's own namespace, fresh before each test. */
    protected String namespace;

    /**
     * The cluster under test, started once for the class.
     *
     * @return the cluster, the same on every call; closed after the class
     */
    protected abstract ClusterUnderTest cluster();

    @BeforeEach
    void freshNamespace() {
        namespace = "contract-" + NAMESPACES.incrementAndGet() + "-" + ProcessHandle.current().pid();
    }

    @AfterEach
    void closeEverything() {
        children.forEach(Processes::kill);
        children.clear();
        List<AutoCloseable> reversed = new ArrayList<>(opened);
        Collections.reverse(reversed);
        opened.clear();
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @AfterAll
    void stopCluster() {
        cluster().close();
    }

    /**
     * A coordinator with the cluster's {@link ClusterUnderTest#options() options}, closed after the test.
     *
     * @param uri where to connect
     * @return the connected coordinator
     */
    protected Coordinator coordinator(String uri) {
        return coordinator(uri, cluster().options());
    }

    /**
     * A coordinator closed after the test.
     *
     * @param uri where to connect
     * @param options TLS, credentials and the like
     * @return the connected coordinator
     */
    protected Coordinator coordinator(String uri, dev.elector.CoordinatorOptions options) {
        Coordinator c = Coordinator.connect(uri, options);
        opened.add(c);
        return c;
    }

    /**
     * A coordinator to every member, under the test's namespace, closed after the test.
     *
     * @return the connected coordinator
     */
    protected Coordinator coordinator() {
        return coordinator(cluster().uri(namespace));
    }

    /**
     * Starts a candidate in {@link #ELECTION}.
     *
     * @param c the coordinator it runs on
     * @param id its participant id
     * @param listener added before the start, so it misses no event; null for none
     * @return the started election
     */
    protected static Election candidate(Coordinator c, String id, ElectionListener listener) {
        Election e = c.election(ELECTION, ElectionOptions.builder().participantId(id).build());
        if (listener != null) {
            e.addListener(listener);
        }
        return e.start();
    }

    /**
     * Starts candidates one by one, each after the previous is in the queue, so start order is queue order.
     *
     * @param coordinators taken in turn, one candidate on each
     * @param count how many candidates
     * @param prefix the ids' start; the ids are {@code prefix0} to {@code prefix(count - 1)}
     * @return the started elections, in queue order
     */
    protected static List<Election> queueInOrder(List<Coordinator> coordinators, int count, String prefix) {
        List<Election> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(candidate(coordinators.get(i % coordinators.size()), prefix + i, null));
            int expected = i + 1;
            await().atMost(WAIT).until(() -> all.get(0).participants().size() == expected);
        }
        return all;
    }

    /**
     * Waits until exactly one of {@code elections} leads, up to {@link #WAIT}.
     *
     * @param elections the candidates
     * @return the leader
     */
    protected static Election singleLeader(List<Election> elections) {
        await().atMost(WAIT).until(() -> elections.stream().filter(Election::isLeader).count() == 1);
        List<Election> leaders = elections.stream().filter(Election::isLeader).toList();
        assertEquals(1, leaders.size(), "exactly one leader");
        return leaders.get(0);
    }

    private static List<String> ids(List<Participant> participants) {
        return participants.stream().map(Participant::id).toList();
    }

    @Test
    void tenParticipantsOnSeveralCoordinatorsElectExactlyOneLeaderThatAllSee() {
        List<Coordinator> coordinators = List.of(coordinator(), coordinator(), coordinator());
        List<Election> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(candidate(coordinators.get(i % 3), "p" + i, null));
        }
        await().atMost(WAIT).until(() -> all.get(0).participants().size() == 10);
        Election leader = singleLeader(all);
        // Uniqueness holds over time, not just at one instant.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> all.stream().filter(Election::isLeader).count() == 1 && leader.isLeader());
        for (Election e : all) {
            assertEquals(leader.participantId(), e.leader().orElseThrow().id(), "leader() as seen by " + e.participantId());
        }
        assertEquals(leader.participantId(), all.get(0).participants().get(0).id(), "the leader heads the queue");
    }

    @Test
    void closingTheLeaderHandsOverInQueueOrderWithAGreaterToken() {
        List<Election> all = new ArrayList<>(queueInOrder(List.of(coordinator(), coordinator()), 5, "p"));
        List<String> queue = ids(all.get(0).participants());
        assertEquals(List.of("p0", "p1", "p2", "p3", "p4"), queue);
        long lastToken = Long.MIN_VALUE;
        for (String expected : queue) {
            Election leader = singleLeader(all);
            assertEquals(expected, leader.participantId(), "queue order");
            long token = leader.leadership().orElseThrow().fencingToken();
            assertTrue(token > lastToken, "token " + token + " must exceed " + lastToken);
            lastToken = token;
            leader.close();
            all.remove(leader);
        }
    }

    @Test
    void resignRotatesLeadershipAroundAllParticipants() {
        List<Election> all = queueInOrder(List.of(coordinator(), coordinator()), 4, "p");
        List<String> order = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            Election leader = singleLeader(all);
            order.add(leader.participantId());
            assertTrue(leader.resign(), "resign ends the term");
            assertFalse(leader.isLeader());
        }
        assertEquals(List.of("p0", "p1", "p2", "p3", "p0", "p1", "p2", "p3"), order, "fair rotation in queue order");
        await().atMost(WAIT).until(() -> all.get(0).participants().size() == 4);
    }

    @Test
    void twentySuccessiveTermsHaveStrictlyIncreasingTokens() {
        List<Election> all = queueInOrder(List.of(coordinator(), coordinator()), 2, "p");
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Election leader = singleLeader(all);
            tokens.add(leader.leadership().orElseThrow().fencingToken());
            assertTrue(leader.resign());
        }
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), "tokens must strictly increase: " + tokens);
        }
    }

    /**
     * Starts a participant in a child JVM; its output lines land in {@code lines}. The child is killed after
     * the test.
     *
     * @param uri where the child connects
     * @param id its participant id
     * @param lines takes each line the child prints, as {@link ParticipantMain} prints them
     * @param extra more arguments for {@link ParticipantMain}, such as {@code once} or {@code job=MS}
     * @return the child's process
     */
    protected Process startChild(String uri, String id, List<String> lines, String... extra) {
        List<String> args = new ArrayList<>(List.of(uri, ELECTION, id));
        args.addAll(List.of(extra));
        List<String> jvm = new ArrayList<>(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"));
        jvm.addAll(cluster().childJvmArgs());
        Process child = Processes.startJava(ParticipantMain.class.getName(), jvm, args, null, true);
        children.add(child);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // the child was killed
            }
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    private static long field(List<String> lines, String kind, int index) {
        return Long.parseLong(lines.stream().filter(l -> l.startsWith(kind)).findFirst().orElseThrow().split(" ")[index]);
    }

    @Test
    void aLeaderInAChildJvmCutOffByAPausedServerStepsDownBeforeAnotherJvmIsElected() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        startChild(cluster().uriForMember(0, namespace), "child", lines);
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.startsWith("ELECTED")));
        TimedListener local = new TimedListener();
        Election next = candidate(coordinator(cluster().uriWithoutMember(0, namespace)), "local", local);
        await().atMost(WAIT).until(() -> next.participants().size() == 2);

        cluster().pause(0);
        try {
            next.awaitLeadership(cluster().sessionTimeout().multipliedBy(2).plus(WAIT));
        } finally {
            cluster().resume(0);
        }
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.startsWith("REVOKED")) && local.first("elected").isPresent());
        // System.nanoTime() is CLOCK_MONOTONIC on Linux: comparable across the two JVMs on this host.
        long childRevokedAt = field(lines, "REVOKED", 2);
        long electedAt = local.first("elected").orElseThrow().at();
        String reason = lines.stream().filter(l -> l.startsWith("REVOKED")).findFirst().orElseThrow().split(" ")[4];
        System.out.printf("[%s] paused server, leader in another JVM: stepped down %d ms before the next was elected (%s)%n",
                cluster().backendName(), (electedAt - childRevokedAt) / 1_000_000, reason);
        assertEquals("DEADLINE_PASSED", reason);
        assertTrue(childRevokedAt - electedAt < 0, "the leader in the child JVM must step down before the next is elected");
        assertTrue(local.first("elected").orElseThrow().token() > field(lines, "ELECTED", 1));
    }

    @Test
    void aJvmThatClosesItsCoordinatorExitsOnItsOwn() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process child = startChild(cluster().uri(namespace), "once", lines, "once");
        assertTrue(child.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "the JVM did not exit; output: " + lines);
        assertEquals(0, child.exitValue(), "output: " + lines);
        assertTrue(lines.contains("CLOSED"), "output: " + lines);
    }

    @Test
    void aSigkilledLeaderInAChildJvmIsReplacedWithinTheSessionTimeoutPlusASmallBound() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process child = startChild(cluster().uri(namespace), "child", lines);
        await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.startsWith("ELECTED")));

        Election local = candidate(coordinator(), "local", null);
        await().atMost(WAIT).until(() -> local.participants().size() == 2);
        assertFalse(local.isLeader());
        long killedAt = System.nanoTime();
        Processes.kill(child);
        Duration limit = cluster().sessionTimeout().plus(FAILOVER_SLACK);
        Leadership term = local.awaitLeadership(limit.plus(WAIT));
        Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.printf("[%s] failover after SIGKILL of the leader: %d ms (session timeout %d ms)%n",
                cluster().backendName(), failover.toMillis(), cluster().sessionTimeout().toMillis());
        assertTrue(failover.compareTo(limit) <= 0, "failover took " + failover + ", more than " + limit);
        assertTrue(term.fencingToken() > field(lines, "ELECTED", 1));
    }

    @Test
    void aLeaderCutOffByAPausedServerStepsDownBeforeAnyoneElseIsElected() throws Exception {
        TimedListener oldEvents = new TimedListener();
        Election old = candidate(coordinator(cluster().uriForMember(0, namespace)), "old", oldEvents);
        Leadership oldTerm = old.awaitLeadership(WAIT);
        TimedListener nextEvents = new TimedListener();
        Election next = candidate(coordinator(cluster().uriWithoutMember(0, namespace)), "next", nextEvents);
        await().atMost(WAIT).until(() -> next.participants().size() == 2);

        cluster().pause(0);
        Leadership newTerm;
        try {
            newTerm = next.awaitLeadership(cluster().sessionTimeout().multipliedBy(2).plus(WAIT));
        } finally {
            cluster().resume(0);
        }
        await().atMost(WAIT).until(() -> nextEvents.first("elected").isPresent() && oldEvents.first("revoked").isPresent());
        long electedAt = nextEvents.first("elected").orElseThrow().at();
        TimedListener.Event revoked = oldEvents.first("revoked").orElseThrow();
        System.out.printf("[%s] paused server: old leader stepped down %d ms before the next was elected (%s)%n",
                cluster().backendName(), (electedAt - revoked.at()) / 1_000_000, revoked.reason());
        assertEquals(RevocationReason.DEADLINE_PASSED, revoked.reason());
        assertTrue(revoked.at() - electedAt < 0, "the old leader must step down before the new one is elected");
        assertTrue(oldTerm.validUntilNanos() - electedAt < 0, "the old term's deadline must pass before the new term starts");
        assertFalse(oldTerm.isValid());
        assertTrue(newTerm.fencingToken() > oldTerm.fencingToken());
        // Once its server is back, the old leader finds its session gone and joins again on its own.
        await().atMost(WAIT).until(() -> ids(next.participants()).equals(List.of("next", "old")));
        assertFalse(old.isLeader());
    }

    @Test
    void aLeaderWhoseEntryIsDeletedFromOutsideStepsDownAndRejoinsWithoutAPhantomTerm() throws Exception {
        Coordinator c = coordinator();
        TimedListener aEvents = new TimedListener();
        Election a = candidate(c, "a", aEvents);
        Leadership aTerm = a.awaitLeadership(WAIT);
        Election b = candidate(coordinator(), "b", null);
        await().atMost(WAIT).until(() -> b.participants().size() == 2);

        cluster().deleteEntry(namespace, ELECTION, "a");
        await().atMost(WAIT).until(() -> aEvents.first("revoked").isPresent());
        assertEquals(RevocationReason.ENTRY_DELETED, aEvents.first("revoked").orElseThrow().reason());
        assertFalse(aTerm.isValid());
        Leadership bTerm = b.awaitLeadership(WAIT);
        assertTrue(bTerm.fencingToken() > aTerm.fencingToken());
        await().atMost(WAIT).until(() -> ids(a.participants()).equals(List.of("b", "a")));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> b.isLeader() && !a.isLeader());
        assertEquals(1, aEvents.all("elected").size(), "no second term from the deleted entry");
    }

    @Test
    void aCandidateRightBehindTheLeaderWhoseEntryIsDeletedNeverLeadsWithIt() throws Exception {
        LeaderAndNext two = leaderAndNext();
        Election a = two.a();
        Leadership aTerm = two.aTerm();
        Election b = two.b();
        TimedListener bEvents = two.bEvents();
        long deletedToken = b.participants().get(1).token();

        // An operator deletes b's entry and the leader leaves right after: b's read before it claims must
        // find its entry gone, and b must join again.
        cluster().deleteEntry(namespace, ELECTION, "b");
        a.close();
        Leadership bTerm = b.awaitLeadership(WAIT);
        assertNotEquals(deletedToken, bTerm.fencingToken(), "b led with an entry that had been deleted");
        assertTrue(bTerm.fencingToken() > aTerm.fencingToken());
        assertEquals(bTerm.fencingToken(), b.participants().get(0).token(), "b leads with the entry at the head of the queue");
        // Listeners hear of the term after awaitLeadership may return: wait for the event, then count.
        await().atMost(WAIT).until(() -> !bEvents.all("elected").isEmpty());
        assertEquals(1, bEvents.all("elected").size());
    }

    @Test
    void aLeaderGivingWayDeletesItsEntryOnlyOnceItsRevocationListenerReturned() throws Exception {
        LeaderAndNext two = leaderAndNext();
        CountDownLatch revoking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong returned = new AtomicLong();
        two.a().addListener(new ElectionListener() {
            @Override
            public void revoked(Leadership term, RevocationReason reason) {
                revoking.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                returned.set(System.nanoTime());
            }
        });
        CompletableFuture<Void> closing = CompletableFuture.runAsync(two.a()::close);
        assertTrue(revoking.await(10, TimeUnit.SECONDS));
        // While a's revocation listener runs, its entry stays and b does not lead.
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> cluster().entries(namespace, ELECTION) == 2 && !two.b().isLeader());
        release.countDown();
        closing.get(10, TimeUnit.SECONDS);
        two.b().awaitLeadership(WAIT);
        await().atMost(WAIT).until(() -> two.bEvents().first("elected").isPresent()); // listeners hear of it after
        long elected = two.bEvents().first("elected").orElseThrow().at();
        assertTrue(elected - returned.get() > 0, "b was elected before a's revoked() returned");
        // Nothing is left of a.
        await().atMost(WAIT).until(() -> cluster().entries(namespace, ELECTION) == 1);
    }

    /**
     * A listener may give leadership up from inside: resignAsync() returns at once, and a blocking resign()
     * returns once the revocation wait is over (its revocation is queued behind that very listener), never
     * deadlocking. Even on a direct executor, listeners run on Elector's listener threads.
     */
    @Test
    void aListenerMayResignFromInsideWithoutDeadlockEvenOnADirectExecutor() throws Exception {
        Election a = candidate(coordinator(), "a", null);
        a.awaitLeadership(WAIT);
        Election b = coordinator().election(ELECTION, ElectionOptions.builder().participantId("b").listenerExecutor(Runnable::run).build());
        List<String> threads = new CopyOnWriteArrayList<>();
        List<Long> took = new CopyOnWriteArrayList<>();
        b.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                threads.add(Thread.currentThread().getName());
                long start = System.nanoTime();
                if (threads.size() == 1) {
                    b.resignAsync();
                } else if (threads.size() == 2) {
                    b.resign();
                }
                took.add(System.nanoTime() - start);
            }
        });
        b.start();
        await().atMost(WAIT).until(() -> b.participants().size() == 2);
        a.close();
        // b resigned twice from its listener, joined again behind nobody each time, and leads a third time.
        await().atMost(WAIT).until(() -> threads.size() == 3 && b.isLeader());
        assertTrue(took.get(0) < TimeUnit.MILLISECONDS.toNanos(500), "resignAsync() from a listener took " + took.get(0) / 1_000_000 + " ms");
        assertTrue(took.get(1) < WAIT.toNanos(), "resign() from a listener took " + took.get(1) / 1_000_000 + " ms");
        assertTrue(threads.stream().allMatch(n -> n.matches("elector-.*-callback-.*")), threads.toString());
    }

    @Test
    void anObserverSeesEveryLeaderChangeInOrder() {
        Coordinator c = coordinator();
        TimedListener seen = new TimedListener();
        Election observer = c.election(ELECTION, ElectionOptions.builder().participantId("observer").observer(true).build());
        observer.addListener(seen);
        observer.start();
        await().atMost(WAIT).until(() -> seen.all("leader").size() == 1);
        List<Election> all = new ArrayList<>(queueInOrder(List.of(c, coordinator()), 3, "p"));
        List<Long> terms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Election leader = singleLeader(all);
            terms.add(leader.leadership().orElseThrow().fencingToken());
            int expected = i + 2;
            await().atMost(WAIT).until(() -> seen.all("leader").size() == expected);
            leader.close();
            all.remove(leader);
        }
        await().atMost(WAIT).until(() -> seen.all("leader").size() == 5);
        List<String> order = seen.all("leader").stream().map(e -> e.leader().map(Participant::id).orElse("-")).toList();
        assertEquals(List.of("-", "p0", "p1", "p2", "-"), order);
        List<Long> observedTokens = seen.all("leader").subList(1, 4).stream().map(TimedListener.Event::token).toList();
        assertEquals(terms, observedTokens, "the observer sees each leader's fencing token");
        assertFalse(observer.isLeader());
        assertFalse(observer.participants().stream().anyMatch(p -> p.id().equals("observer")), "an observer does not stand");
    }

    @Test
    void badInputIsRefusedWithTheValueAndTheRule() {
        Coordinator c = coordinator();
        for (String name : List.of("", "a/b", "..", "x\u0001y", "n".repeat(129))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.election(name));
            assertTrue(e.getMessage().startsWith("election name"), e.getMessage());
        }
        String good = cluster().uri(namespace);
        String scheme = good.substring(0, good.indexOf("://"));
        Map<String, String> uris = Map.of(
                scheme + "://", "names no host",
                scheme + "://127.0.0.1:0/x", "invalid port '0'",
                scheme + "://127.0.0.1:1/a/../b", "invalid namespace",
                good + "&sessionTimeout=-5s", "sessionTimeout '-5s' is not a duration",
                good + "&connectTimeout=0s", "connectTimeout must be positive, got 0s",
                good + "&bogus=1", "unknown option 'bogus'");
        uris.forEach((uri, rule) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coordinator.connect(uri), uri);
            assertTrue(e.getMessage().contains(rule), "'" + e.getMessage() + "' should say " + rule);
        });
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Coordinator.connect(cluster().uriWithRefusedSessionTimeout(namespace), cluster().options()));
        assertTrue(refused.getMessage().contains("sessionTimeout"), refused.getMessage());
    }

    @Test
    void anUnreachableClusterFailsWithinTheConnectTimeout() {
        Duration connectTimeout = Duration.ofSeconds(1);
        long start = System.nanoTime();
        CoordinatorUnavailableException e = assertThrows(CoordinatorUnavailableException.class,
                () -> Coordinator.connect(cluster().unreachableUri(connectTimeout), cluster().options()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(connectTimeout.plusSeconds(3)) < 0, "took " + took);
        assertTrue(e.getMessage().contains("connect timeout of " + dev.elector.Durations.format(connectTimeout)), e.getMessage());
    }

    @Test
    void afterCloseNoThreadThatElectorStartedIsAlive() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Coordinator c = coordinator();
        Election leader = candidate(c, "a", null);
        leader.awaitLeadership(WAIT);
        candidate(c, "b", null);
        Election observer = c.election(ELECTION, ElectionOptions.builder().observer(true).build()).start();
        await().atMost(WAIT).until(() -> observer.participants().size() == 2);
        assertThrows(CoordinatorUnavailableException.class, () -> Coordinator.connect(cluster().unreachableUri(Duration.ofMillis(500)), cluster().options()));
        assertFalse(started(before).isEmpty(), "the check must see the threads a coordinator starts");
        c.close();
        c.close();
        await().atMost(Duration.ofSeconds(15)).until(() -> started(before).isEmpty());
    }

    @Test
    void theReadmeExampleRunsAndHandsItsTokenToTheJob() throws Exception {
        assumeReadmeRunsHere();
        List<Long> written = new CopyOnWriteArrayList<>();
        ReadmeExample.run(cluster().uri(namespace), written::add);
        assertEquals(1, written.size());
        assertTrue(written.get(0) > 0);
        Coordinator c = coordinator();
        assertTrue(c.election("nightly-report", ElectionOptions.builder().observer(true).build()).participants().isEmpty(),
                "closing the election removed its entry");
    }

    /** One run of a leader-only job, with the wall-clock time its term began. */
    private record JobRun(String id, long token, Instant tick, Instant termBegan) {
    }

    @Test
    void aLeaderOnlyJobHandsOverOnResignAndOnCloseWithoutDoublingOrSkippingMoreThanOneTick() throws Exception {
        Duration period = Duration.ofMillis(300);
        List<JobRun> runs = new CopyOnWriteArrayList<>();
        Map<Long, Instant> termBegan = new java.util.concurrent.ConcurrentHashMap<>();
        List<Election> all = queueInOrder(List.of(coordinator(), coordinator()), 2, "p");
        for (Election e : all) {
            e.addListener(new ElectionListener() {
                @Override
                public void elected(Leadership term) {
                    termBegan.put(term.fencingToken(), Instant.now());
                }
            });
            opened.add(LeaderJob.builder(e, ctx -> {
                ctx.checkValid();
                runs.add(new JobRun(e.participantId(), ctx.fencingToken(), ctx.scheduledTime(),
                        termBegan.getOrDefault(ctx.fencingToken(), Instant.EPOCH)));
            }).atFixedRate(period).start());
        }
        Election first = singleLeader(all);
        await().atMost(WAIT).until(() -> runs.size() >= 4);
        assertTrue(first.resign(), "graceful handover by resign");
        await().atMost(WAIT).until(() -> runs.stream().filter(r -> !r.id().equals(first.participantId())).count() >= 4);
        Election second = singleLeader(all);
        second.close(); // and back, this time by leaving the election
        await().atMost(WAIT).until(() -> runs.get(runs.size() - 1).id().equals(first.participantId())
                && runs.stream().map(JobRun::token).distinct().count() == 3 && runs.size() >= 12);

        List<JobRun> copy = new ArrayList<>(runs);
        assertEquals(copy.size(), copy.stream().map(JobRun::tick).distinct().count(), "a tick ran twice: " + copy);
        for (int i = 1; i < copy.size(); i++) {
            JobRun before = copy.get(i - 1);
            JobRun after = copy.get(i);
            assertTrue(Duration.between(before.tick(), after.tick()).compareTo(period.multipliedBy(2)) <= 0,
                    "more than one tick skipped between " + before + " and " + after);
            if (after.token() != before.token()) {
                assertTrue(after.token() > before.token(), "tokens increase across terms");
                assertTrue(after.tick().isAfter(after.termBegan()), "a new leader's first run came before its election: " + after);
            }
        }
        System.out.printf("[%s] leader-only job: %d runs over 3 terms, no tick doubled, at most one skipped per handover%n",
                cluster().backendName(), copy.size());
    }

    /**
     * The README's testing example, a user's test for any tier, on this cluster: the same method, given the
     * same handle a user's test gets.
     */
    @Test
    void theReadmeTestingExampleRunsOnThisCluster() {
        new ReportJobTest().theReportMovesWhenItsLeaderLosesItsSession(TestCluster.over(cluster(), namespace, opened::add));
    }

    /** The README's examples connect with a URI alone, as a newcomer's first cluster takes them. */
    private void assumeReadmeRunsHere() {
        org.junit.jupiter.api.Assumptions.assumeTrue(cluster().options() == dev.elector.CoordinatorOptions.defaults(),
                "the README's examples connect without TLS or credentials");
    }

    @Test
    void theReadmeJobExampleRunsItsTaskWithTheTokenWhileLeading() throws Exception {
        assumeReadmeRunsHere();
        List<Long> tokens = new CopyOnWriteArrayList<>();
        ReadmeJobExample.run(cluster().uri(namespace), tokens::add, Duration.ofSeconds(2));
        assertTrue(tokens.size() >= 3, "runs: " + tokens);
        assertEquals(1, tokens.stream().distinct().count(), "one term, one token: " + tokens);
    }

    /** Threads alive now that were not before, leaving out the JVM's and the test tools' own. */
    private static Set<String> started(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .filter(n -> !n.startsWith("awaitility") && !n.equals("process reaper") && !n.equals("Attach Listener")
                        && !n.startsWith("ForkJoinPool") && !n.equals("child-output") && !n.equals("etcdctl-output"))
                .collect(Collectors.toSet());
    }

    /** "a" leading and "b", on another coordinator, queued right behind it, with b's events. */
    protected record LeaderAndNext(Election a, Leadership aTerm, Election b, TimedListener bEvents) {
    }

    /**
     * Starts "a", waits for it to lead, then queues "b" behind it on a coordinator of its own.
     *
     * @return both elections, a's term and b's events
     * @throws InterruptedException if interrupted while waiting for a to lead
     */
    protected LeaderAndNext leaderAndNext() throws InterruptedException {
        Election a = candidate(coordinator(), "a", null);
        Leadership aTerm = a.awaitLeadership(WAIT);
        TimedListener bEvents = new TimedListener();
        Election b = candidate(coordinator(), "b", bEvents);
        await().atMost(WAIT).until(() -> b.participants().size() == 2);
        return new LeaderAndNext(a, aTerm, b, bEvents);
    }

    /**
     * The head of an election's queue as read from the backend, for subclasses' own checks.
     *
     * @param e the election
     * @return the participant at the head, or empty if the queue is empty
     */
    protected static Optional<Participant> head(Election e) {
        return e.participants().stream().findFirst();
    }
}
