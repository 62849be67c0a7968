package dev.elector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Election.State;
import dev.elector.spi.Entry;
import dev.elector.test.InMemoryCluster;
import dev.elector.test.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The election algorithm on an in-memory backend: fast, and exact about order and reasons. */
class ElectionStateMachineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Coordinator> coordinators = new ArrayList<>();
    private String clusterName;
    private InMemoryCluster cluster;

    @BeforeEach
    void newCluster() {
        clusterName = "c" + UUID.randomUUID().toString().replace("-", "");
        cluster = InMemoryCluster.named(clusterName, "ns");
    }

    @AfterEach
    void closeAll() {
        coordinators.forEach(Coordinator::close);
    }

    private Coordinator coordinator() {
        // 3 s: a term outlives a scheduling stall of well over a second on a loaded machine, so the exact
        // event sequences below are not lengthened by a deadline, and the deadline tests still end in seconds.
        Coordinator c = Coordinator.connect("mem://" + clusterName + "/ns?sessionTimeout=3s");
        coordinators.add(c);
        return c;
    }

    private Election candidate(Coordinator c, String id, RecordingListener listener) {
        Election e = c.election("job", ElectionOptions.builder().participantId(id).build());
        e.addListener(listener);
        return e.start();
    }

    private static Election leaderOf(List<Election> elections) {
        await().atMost(WAIT).until(() -> elections.stream().filter(Election::isLeader).count() == 1);
        return elections.stream().filter(Election::isLeader).findFirst().orElseThrow();
    }

    @Test
    void exactlyOneLeaderAndItIsTheHeadOfTheQueue() {
        Coordinator a = coordinator();
        Coordinator b = coordinator();
        List<Election> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(candidate(i % 2 == 0 ? a : b, "p" + i, new RecordingListener()));
        }
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 6);
        Election leader = leaderOf(all);
        assertEquals(cluster.queue("job").get(0).participantId(), leader.participantId());
        assertEquals(leader.participantId(), all.get(3).leader().orElseThrow().id());
        assertEquals(6, all.get(5).participants().size());
    }

    @Test
    void closingTheLeaderHandsOverInQueueOrderWithGreaterTokens() {
        Coordinator c = coordinator();
        List<Election> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(candidate(c, "p" + i, new RecordingListener()));
            String id = "p" + i;
            await().atMost(WAIT).until(() -> cluster.queue("job").stream().anyMatch(e -> e.participantId().equals(id)));
        }
        long lastToken = Long.MIN_VALUE;
        for (int i = 0; i < 4; i++) {
            Election leader = leaderOf(all);
            assertEquals("p" + i, leader.participantId(), "queue order");
            long token = leader.leadership().orElseThrow().fencingToken();
            assertTrue(token > lastToken, "token " + token + " after " + lastToken);
            lastToken = token;
            leader.close();
            all.remove(leader);
        }
    }

    @Test
    void resignRotatesLeadershipAroundEveryParticipant() {
        Coordinator c = coordinator();
        List<Election> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(candidate(c, "p" + i, new RecordingListener()));
        }
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 4);
        List<String> order = new ArrayList<>();
        long lastToken = Long.MIN_VALUE;
        for (int round = 0; round < 8; round++) {
            Election leader = leaderOf(all);
            order.add(leader.participantId());
            long token = leader.leadership().orElseThrow().fencingToken();
            assertTrue(token > lastToken);
            lastToken = token;
            assertTrue(leader.resign());
            assertFalse(leader.isLeader());
        }
        assertEquals(order.subList(0, 4), order.subList(4, 8), "each round visits everyone in the same order");
        assertEquals(4, order.subList(0, 4).stream().distinct().count(), "every participant led once per round");
    }

    /**
     * "a" leads and "b" waits right behind it on the same coordinator, both watching a's entry.
     *
     * @return a, then b
     */
    private List<Election> leaderAndNext() throws InterruptedException {
        return leaderAndNext(coordinator());
    }

    /** The same on a given coordinator: one coordinator, as the successor's watch on a's entry must survive a's unwatch. */
    private List<Election> leaderAndNext(Coordinator c) throws InterruptedException {
        Election a = candidate(c, "a", new RecordingListener());
        a.awaitLeadership(WAIT);
        Election b = candidate(c, "b", new RecordingListener());
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 2 && cluster.watchesOn(cluster.queue("job").get(0)) == 2);
        return List.of(a, b);
    }

    @Test
    void aLeaderGivingWayWithdrawsTheWatchOnItsOwnEntrySoOnlyTheSuccessorIsNotified() throws Exception {
        List<Election> ab = leaderAndNext();
        Election a = ab.get(0);
        Election b = ab.get(1);
        long before = cluster.notificationsDelivered();
        assertTrue(a.resign());
        b.awaitLeadership(WAIT);
        // Settled: b watches its own entry, a watches b's.
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 2 && cluster.watchesOn(cluster.queue("job").get(0)) == 2);
        assertEquals(1, cluster.notificationsDelivered() - before, "resign: one notification, to the successor");
        before = cluster.notificationsDelivered();
        b.close();
        a.awaitLeadership(WAIT);
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 1 && cluster.watchesOn(cluster.queue("job").get(0)) == 1);
        assertEquals(1, cluster.notificationsDelivered() - before, "close: one notification, to the successor");
    }

    @Test
    void aCandidateWhoseEntryWasDeletedWhileItWaitedNeverClaimsWithIt() throws Exception {
        List<Election> ab = leaderAndNext();
        Entry deleted = cluster.queue("job").get(1);
        // An operator deletes b's entry, then the leader goes at once: b must read before it claims.
        cluster.delete(deleted);
        ab.get(0).close();
        Leadership term = ab.get(1).awaitLeadership(WAIT);
        assertNotEquals(deleted.token(), term.fencingToken(), "b led with an entry that was gone");
        assertEquals(cluster.queue("job").get(0).token(), term.fencingToken());
    }

    @Test
    void aSuccessorReadsOnceAndClaimsOnlyAfterTheLeadersLossHandlersReturned() throws Exception {
        // On a clock that stands still, the one-second revocation wait cannot run out while the test looks.
        List<Election> ab = leaderAndNext(onClock(new ManualClock()));
        Election a = ab.get(0);
        Election b = ab.get(1);
        CountDownLatch revoking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong revokedReturned = new AtomicLong();
        AtomicLong elected = new AtomicLong();
        // A handler of a's lost() stage, as LeaderJob has one: it must have returned before b leads.
        a.leadership().orElseThrow().lost().thenRun(() -> {
            revoking.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            revokedReturned.set(System.nanoTime());
        });
        b.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                elected.set(System.nanoTime());
            }
        });
        long reads = cluster.positionReads();
        CompletionStage<Void> closing = a.closeAsync();
        assertTrue(revoking.await(10, TimeUnit.SECONDS));
        assertFalse(a.isLeader(), "the term ends before the handlers run");
        // While a's loss handler runs (inside the revocation wait), its entry stays and b does not lead.
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> cluster.queue("job").size() == 2 && !b.isLeader());
        release.countDown();
        closing.toCompletableFuture().get(10, TimeUnit.SECONDS);
        b.awaitLeadership(WAIT);
        await().atMost(WAIT).until(() -> elected.get() != 0);
        assertTrue(elected.get() - revokedReturned.get() > 0, "b was elected before a's lost() handler returned");
        assertEquals(1, cluster.positionReads() - reads, "b read its position once, then claimed");
    }

    @Test
    void aSuccessorReadsBeforeItClaimsAfterTheLeadersEntryIsDeletedFromOutside() throws Exception {
        List<Election> ab = leaderAndNext();
        long reads = cluster.positionReads();
        cluster.delete(cluster.queue("job").get(0));
        ab.get(1).awaitLeadership(WAIT);
        assertTrue(cluster.positionReads() - reads >= 1, "the successor reads before it claims");
    }

    @Test
    void aBlockingCloseFromTheElectionsOwnListenerReturnsAfterTheRevocationWaitAndTheAsyncOneAtOnce() throws Exception {
        List<Election> ab = leaderAndNext();
        Election a = ab.get(0);
        Election b = ab.get(1);
        CompletableFuture<Long> closeTook = new CompletableFuture<>();
        b.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                long start = System.nanoTime();
                b.close(); // b's revocation is queued behind this very listener: close() waits the revocation wait out
                closeTook.complete(System.nanoTime() - start);
            }
        });
        CompletableFuture<Long> resignTook = new CompletableFuture<>();
        AtomicLong aTerms = new AtomicLong();
        a.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                if (aTerms.incrementAndGet() == 1) { // a's term after b left: the first this listener hears
                    long start = System.nanoTime();
                    a.resignAsync(); // never waits
                    resignTook.complete(System.nanoTime() - start);
                }
            }
        });
        assertTrue(a.resign()); // from the test's thread: waits until a's entry is gone
        long took = closeTook.get(10, TimeUnit.SECONDS);
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900), "close() returned after " + took / 1_000_000 + " ms, before its revocation could run");
        assertTrue(took < TimeUnit.SECONDS.toNanos(8), "close() from a listener took " + took / 1_000_000 + " ms");
        assertEquals(State.CLOSED, b.state());
        // a, queued again behind b, leads, and resigns from its listener without waiting.
        assertTrue(resignTook.get(10, TimeUnit.SECONDS) < TimeUnit.MILLISECONDS.toNanos(500));
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 1 && a.isLeader());
    }

    @Test
    void blockedRenewalsEndTheTermAtTheDeadlineThenItRejoinsWithANewToken() {
        Coordinator c = coordinator();
        RecordingListener events = new RecordingListener();
        Election e = candidate(c, "solo", events);
        Leadership first = leaderOf(List.of(e)).leadership().orElseThrow();
        Entry entry = cluster.queue("job").get(0);
        cluster.refuseRenewals(entry, true);
        await().atMost(WAIT).until(() -> events.reasons.contains(RevocationReason.DEADLINE_PASSED));
        assertFalse(first.isValid());
        assertTrue(first.validUntilNanos() - System.nanoTime() <= 0, "deadline frozen in the past");
        assertEquals(RevocationReason.DEADLINE_PASSED, first.lost().toCompletableFuture().join());
        cluster.refuseRenewals(entry, false);
        Leadership second = leaderOf(List.of(e)).leadership().orElseThrow();
        assertTrue(second.fencingToken() > first.fencingToken(), "a new term never reuses a token");
    }

    @Test
    void theConnectionStateFollowsTheRenewalsAndItsListenersHearEveryChangeInOrder() {
        Coordinator c = coordinator();
        List<ConnectionState> heard = new CopyOnWriteArrayList<>();
        c.addConnectionListener(heard::add);
        assertEquals(ConnectionState.CONNECTED, c.connectionState());
        Election e = candidate(c, "solo", new RecordingListener());
        leaderOf(List.of(e));
        Entry session = cluster.queue("job").get(0);
        cluster.refuseRenewals(session, true);
        await().atMost(WAIT).until(() -> c.connectionState() == ConnectionState.SUSPENDED);
        assertFalse(e.isLeader(), "suspended means every leader has stepped down");
        cluster.refuseRenewals(session, false);
        await().atMost(WAIT).until(() -> c.connectionState() == ConnectionState.CONNECTED);
        leaderOf(List.of(e));
        cluster.expireSession(cluster.queue("job").get(0));
        await().atMost(WAIT).until(() -> heard.contains(ConnectionState.SESSION_LOST) && c.connectionState() == ConnectionState.CONNECTED);
        c.close();
        assertEquals(ConnectionState.CLOSED, c.connectionState());
        await().atMost(WAIT).until(() -> heard.size() == 5);
        assertEquals(List.of(ConnectionState.SUSPENDED, ConnectionState.CONNECTED, ConnectionState.SESSION_LOST, ConnectionState.CONNECTED,
                ConnectionState.CLOSED), heard);
    }

    @Test
    void anObserverHearsOfEveryCandidateThatJoinsOrLeavesNotOnlyOfNewLeaders() {
        Coordinator c = coordinator();
        List<List<String>> queues = new CopyOnWriteArrayList<>();
        Election observer = c.election("job", ElectionOptions.builder().participantId("watcher").observer(true).build());
        observer.addListener(new ElectionListener() {
            @Override
            public void participantsChanged(List<Participant> participants) {
                queues.add(participants.stream().map(Participant::id).toList());
            }
        });
        observer.start();
        // The first listing must land before a joins, or it may already hold a and the empty queue is never heard.
        await().atMost(WAIT).until(() -> queues.contains(List.of()));
        Election a = candidate(c, "a", new RecordingListener());
        await().atMost(WAIT).until(() -> queues.contains(List.of("a")));
        Election b = candidate(c, "b", new RecordingListener());
        await().atMost(WAIT).until(() -> queues.contains(List.of("a", "b")));
        b.close(); // not the leader: the head does not change, the queue does
        await().atMost(WAIT).until(() -> queues.size() == 4);
        assertEquals(List.of(List.of(), List.of("a"), List.of("a", "b"), List.of("a")), queues);
        a.close();
    }

    @Test
    void aDeletedEntryEndsTheTermAndTheParticipantJoinsAgainAtTheBack() {
        Coordinator c = coordinator();
        RecordingListener first = new RecordingListener();
        Election a = candidate(c, "a", first);
        leaderOf(List.of(a));
        Election b = candidate(c, "b", new RecordingListener());
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 2);
        cluster.delete(cluster.queue("job").get(0));
        await().atMost(WAIT).until(() -> first.reasons.contains(RevocationReason.ENTRY_DELETED));
        assertEquals("b", leaderOf(List.of(a, b)).participantId());
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 2);
        assertEquals("a", cluster.queue("job").get(1).participantId(), "rejoined at the back");
    }

    @Test
    void anExpiredSessionEndsTheTermAndRegistersAgainOnTheNewSession() {
        Coordinator c = coordinator();
        RecordingListener events = new RecordingListener();
        Election e = candidate(c, "solo", events);
        long token = leaderOf(List.of(e)).leadership().orElseThrow().fencingToken();
        cluster.expireSession(cluster.queue("job").get(0));
        await().atMost(WAIT).until(() -> events.reasons.contains(RevocationReason.SESSION_LOST));
        assertTrue(leaderOf(List.of(e)).leadership().orElseThrow().fencingToken() > token);
    }

    @Test
    void anObserverSeesEveryLeaderInOrderAndNeverStands() {
        Coordinator c = coordinator();
        RecordingListener seen = new RecordingListener();
        Election observer = c.election("job", ElectionOptions.builder().participantId("watcher").observer(true).build());
        observer.addListener(seen);
        observer.start();
        await().atMost(WAIT).until(() -> seen.leaders.size() == 1);
        List<Election> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(candidate(c, "p" + i, new RecordingListener()));
            String id = "p" + i;
            await().atMost(WAIT).until(() -> cluster.queue("job").stream().anyMatch(x -> x.participantId().equals(id)));
        }
        for (int i = 0; i < 3; i++) {
            Election leader = leaderOf(all);
            int expected = i + 2;
            await().atMost(WAIT).until(() -> seen.leaders.size() == expected);
            leader.close();
            all.remove(leader);
        }
        await().atMost(WAIT).until(() -> seen.leaders.size() == 5);
        assertEquals(List.of("leader:-", "leader:p0", "leader:p1", "leader:p2", "leader:-"), seen.events);
        assertFalse(observer.isLeader());
        assertThrows(IllegalStateException.class, () -> observer.awaitLeadership(Duration.ofMillis(10)));
        assertEquals(0, cluster.queue("job").size(), "an observer has no entry");
    }

    @Test
    void listenersRunInOrderOnTheElectionsOwnThreadsAndAThrowingListenerHarmsNothing() throws Exception {
        Coordinator c = coordinator();
        RecordingListener events = new RecordingListener();
        Election e = c.election("job", ElectionOptions.builder().participantId("solo").build());
        e.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                throw new IllegalStateException("listener bug");
            }
        });
        e.addListener(events);
        e.start();
        Leadership term = e.awaitLeadership(WAIT);
        e.resign();
        e.awaitLeadership(WAIT);
        e.close();
        e.close();
        await().atMost(WAIT).until(() -> events.events.size() == 4);
        long t1 = term.fencingToken();
        assertEquals("elected:" + t1, events.events.get(0));
        assertEquals("revoked:" + t1 + ":RESIGNED", events.events.get(1));
        assertTrue(events.events.get(3).endsWith(":CLOSED"));
        assertTrue(events.threads.stream().allMatch(n -> n.startsWith("elector-") && n.contains("-callback-")), events.threads.toString());
        assertTrue(cluster.queue("job").isEmpty(), "close deletes the entry");
    }

    @Test
    void aListenerExecutorOfTheUsersChoiceRunsEveryEventAndLossHandlerInOrder() throws Exception {
        ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "users-listener-thread"));
        try {
            Coordinator c = coordinator();
            RecordingListener events = new RecordingListener();
            Election e = c.election("job", ElectionOptions.builder().participantId("solo").listenerExecutor(mine).build());
            e.addListener(events);
            e.start();
            Leadership term = e.awaitLeadership(WAIT);
            List<String> lostOn = new CopyOnWriteArrayList<>();
            term.lost().thenRun(() -> lostOn.add(Thread.currentThread().getName()));
            assertTrue(e.resign());
            e.awaitLeadership(WAIT);
            e.close();
            await().atMost(WAIT).until(() -> events.events.size() == 4 && lostOn.size() == 1);
            assertEquals("elected:" + term.fencingToken(), events.events.get(0));
            assertEquals("revoked:" + term.fencingToken() + ":RESIGNED", events.events.get(1));
            assertTrue(events.events.get(3).endsWith(":CLOSED"), events.events.toString());
            assertEquals(List.of("users-listener-thread"), lostOn);
            assertTrue(events.threads.stream().allMatch("users-listener-thread"::equals), events.threads.toString());
        } finally {
            mine.shutdownNow();
        }
    }

    @Test
    void aDirectListenerExecutorRunsListenersOnElectorsListenerThreadsNeverTheBackendsOrTheTimers() throws Exception {
        Coordinator c = coordinator();
        Election a = candidate(c, "a", new RecordingListener());
        a.awaitLeadership(WAIT);
        Election b = c.election("job", ElectionOptions.builder().participantId("b").listenerExecutor(Runnable::run).build());
        RecordingListener events = new RecordingListener();
        b.addListener(events);
        b.start();
        await().atMost(WAIT).until(() -> cluster.queue("job").size() == 2 && cluster.watchesOn(cluster.queue("job").get(0)) == 2);
        a.close();
        b.awaitLeadership(WAIT);
        cluster.refuseRenewals(cluster.queue("job").get(0), true); // the loss is found by the deadline watchdog
        await().atMost(WAIT).until(() -> events.reasons.contains(RevocationReason.DEADLINE_PASSED));
        assertTrue(events.threads.stream().allMatch(n -> n.startsWith("elector-") && n.contains("-callback-")), events.threads.toString());
    }

    @Test
    void aListenerExecutorThatRefusesLosesNoEventTheyRunOnElectorsThreadsInstead() throws Exception {
        Coordinator c = coordinator();
        Election e = c.election("job", ElectionOptions.builder().participantId("solo")
                .listenerExecutor(task -> { throw new RejectedExecutionException("full"); }).build());
        RecordingListener events = new RecordingListener();
        e.addListener(events);
        e.start();
        Leadership term = e.awaitLeadership(WAIT);
        CompletableFuture<RevocationReason> lost = term.lost().toCompletableFuture();
        e.close();
        assertEquals(RevocationReason.CLOSED, lost.get(10, TimeUnit.SECONDS));
        await().atMost(WAIT).until(() -> events.events.size() == 2);
        assertEquals(List.of("elected:" + term.fencingToken(), "revoked:" + term.fencingToken() + ":CLOSED"), events.events);
    }

    @Test
    void aSerialExecutorRunsAnyNumberOfTasksInOrderOneAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            int count = 100_000;
            List<Integer> ran = new ArrayList<>(count); // unsynchronized on purpose: tasks must never overlap
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < count; i++) {
                int n = i;
                serial.execute(() -> {
                    ran.add(n);
                    if (n == count - 1) {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(count, ran.size());
            for (int i = 0; i < count; i++) {
                assertEquals(i, ran.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void awaitLeadershipTimesOutWhileAnotherLeadsAndFailsOnceClosed() throws Exception {
        Coordinator c = coordinator();
        Election first = candidate(c, "first", new RecordingListener());
        first.awaitLeadership(WAIT);
        Election second = candidate(c, "second", new RecordingListener());
        assertThrows(ElectionTimeoutException.class, () -> second.awaitLeadership(Duration.ofMillis(200)));
        second.close();
        assertThrows(ElectionClosedException.class, () -> second.awaitLeadership(Duration.ofMillis(200)));
        assertThrows(ElectionClosedException.class, second::start);
        assertEquals(Optional.of("first"), second.isLeader() ? Optional.empty() : first.leader().map(Participant::id));
    }

    /** A coordinator on a clock the test moves: deadlines are exact, and no test waits real seconds for one. */
    private Coordinator onClock(ManualClock clock) {
        Coordinator c = Coordinator.connect("mem://" + clusterName + "/ns?sessionTimeout=10s", CoordinatorOptions.builder().clock(clock).build());
        coordinators.add(c);
        return c;
    }

    @Test
    void onATestClockATermEndsExactlyAtItsDeadlineAndTheNextOneHasAGreaterToken() {
        ManualClock clock = new ManualClock();
        RecordingListener events = new RecordingListener();
        Election e = candidate(onClock(clock), "solo", events);
        Leadership first = leaderOf(List.of(e)).leadership().orElseThrow();
        Entry backend = cluster.queue("job").get(0);
        cluster.refuseRenewals(backend, true);
        // The first renewal was sent at the connect's instant: 10 s minus the 2 s margin later, the term ends.
        clock.advance(Duration.ofMillis(7_999));
        assertTrue(first.isValid(), "still inside the deadline");
        clock.advance(Duration.ofMillis(1));
        assertFalse(first.isValid(), "past the deadline, whatever the listeners or the server say");
        await().atMost(WAIT).until(() -> events.reasons.equals(List.of(RevocationReason.DEADLINE_PASSED)));
        cluster.refuseRenewals(backend, false);
        await().atMost(WAIT).until(() -> {
            clock.advance(Duration.ofMillis(100)); // the next renewal, then the retried claim
            return e.isLeader();
        });
        assertTrue(e.leadership().orElseThrow().fencingToken() > first.fencingToken(), "a new term never reuses a token");
    }

    @Test
    void aLeaderPausedPastItsDeadlineReportsTheDeadlineWhicheverLossItNoticesFirst() {
        ManualClock clock = new ManualClock();
        RecordingListener events = new RecordingListener();
        Election e = candidate(onClock(clock), "solo", events);
        Leadership term = leaderOf(List.of(e)).leadership().orElseThrow();
        Entry entry = cluster.queue("job").get(0);
        Entry backend = entry;
        cluster.refuseRenewals(backend, true);
        clock.jump(Duration.ofSeconds(11)); // paused: time moved on, no timer ran
        // On resuming it hears first that its entry went (its lease expired), then that the session did.
        cluster.delete(entry);
        cluster.expireSession(backend);
        clock.advance(Duration.ZERO); // now the deadline watchdog runs too
        await().atMost(WAIT).until(() -> events.reasons.size() == 1);
        assertEquals(List.of(RevocationReason.DEADLINE_PASSED), events.reasons);
        assertEquals(RevocationReason.DEADLINE_PASSED, term.lost().toCompletableFuture().join());
    }
}
