package dev.elector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leader-only jobs on the in-memory backend. The same handover case also runs on real clusters. */
class LeaderJobTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> open = new ArrayList<>();
    private final String cluster = "jobs" + UUID.randomUUID().toString().replace("-", "");

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Election started(String id) {
        Coordinator c = Coordinator.connect("mem://" + cluster + "?sessionTimeout=1s");
        open.add(c);
        return c.election("job", ElectionOptions.builder().participantId(id).build()).start();
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    record Tick(String id, long token, Instant tick) {
    }

    @Test
    void onlyTheLeaderRunsAndAGracefulHandoverNeitherDoublesNorSkipsMoreThanOneTick() throws Exception {
        // Wide enough that a handover fits in one period on a loaded machine, as in the contract suite.
        Duration period = Duration.ofMillis(300);
        List<Tick> ticks = new CopyOnWriteArrayList<>();
        Election a = started("a");
        a.awaitLeadership(WAIT);
        Election b = started("b");
        for (Election e : List.of(a, b)) {
            track(LeaderJob.builder(e, ctx -> {
                ctx.checkValid();
                ticks.add(new Tick(e.participantId(), ctx.fencingToken(), ctx.scheduledTime()));
            }).atFixedRate(period).start());
        }
        await().atMost(WAIT).until(() -> ticks.size() >= 5);
        assertTrue(a.resign());
        await().atMost(WAIT).until(() -> ticks.stream().anyMatch(t -> t.id().equals("b")));
        int seen = ticks.size();
        await().atMost(WAIT).until(() -> ticks.size() >= seen + 5);
        assertTrue(b.resign());
        await().atMost(WAIT).until(() -> ticks.get(ticks.size() - 1).id().equals("a") && ticks.stream().filter(t -> t.id().equals("a")).count() > 8);
        List<Tick> copy = new ArrayList<>(ticks);
        assertEquals(copy.size(), new HashSet<>(copy.stream().map(Tick::tick).toList()).size(), "a tick ran twice: " + copy);
        for (int i = 1; i < copy.size(); i++) {
            Duration gap = Duration.between(copy.get(i - 1).tick(), copy.get(i).tick());
            assertTrue(gap.compareTo(period.multipliedBy(2)) <= 0, "more than one tick skipped between " + copy.get(i - 1) + " and " + copy.get(i));
            assertTrue(copy.get(i).token() >= copy.get(i - 1).token(), "tokens never go back");
        }
        assertEquals(3, copy.stream().map(Tick::token).distinct().count(), "three terms ran");
    }

    @Test
    void aRunIsInterruptedWhenLeadershipGoes() throws Exception {
        Election a = started("a");
        a.awaitLeadership(WAIT);
        CountDownLatch running = new CountDownLatch(1);
        List<Throwable> outcomes = new CopyOnWriteArrayList<>();
        List<JobContext> contexts = new CopyOnWriteArrayList<>();
        track(LeaderJob.builder(a, ctx -> {
            running.countDown();
            new CountDownLatch(1).await(); // blocks until interrupted
        }).withFixedDelay(Duration.ofMillis(10)).listener(new JobListener() {
            @Override
            public void finished(JobContext context, Duration took, Throwable failure) {
                outcomes.add(failure);
                contexts.add(context);
            }
        }).start());
        assertTrue(running.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        a.resign();
        await().atMost(WAIT).until(() -> !outcomes.isEmpty());
        assertTrue(outcomes.get(0) instanceof InterruptedException, String.valueOf(outcomes.get(0)));
        assertFalse(contexts.get(0).isValid());
        assertThrows(LeadershipLostException.class, contexts.get(0)::checkValid);
    }

    @Test
    void aRunStillGoingAtTheDeadlineIsReportedAsAnOverrun() throws Exception {
        Election a = started("a");
        a.awaitLeadership(WAIT);
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(1);
        List<Duration> overruns = new CopyOnWriteArrayList<>();
        track(LeaderJob.builder(a, ctx -> {
            running.countDown();
            while (!release.get()) {
                Thread.onSpinWait(); // a task that ignores interrupts
            }
        }).withFixedDelay(Duration.ofMillis(10)).listener(new JobListener() {
            @Override
            public void overrun(JobContext context, Duration runningFor) {
                overruns.add(runningFor);
            }
        }).start());
        assertTrue(running.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        a.resign();
        await().atMost(WAIT).until(() -> !overruns.isEmpty());
        release.set(true);
        assertTrue(overruns.get(0).compareTo(Duration.ZERO) > 0);
    }

    @Test
    void noRunStartsWithLessValidityThanTheMinimum() throws Exception {
        Election a = started("a");
        a.awaitLeadership(WAIT);
        Duration minimum = Duration.ofMillis(790); // a 1 s session with its 200 ms margin gives at most 800 ms
        List<Instant> skipped = new CopyOnWriteArrayList<>();
        List<Duration> runsHad = new CopyOnWriteArrayList<>();
        // What a run had at the check, at the latest: the check comes after the tick, so the validity read now
        // plus the time since the tick is at least what the check saw (a renewal since only adds).
        track(LeaderJob.builder(a, ctx -> runsHad.add(ctx.remainingValidity().plus(Duration.between(ctx.scheduledTime(), Instant.now()))))
                .atFixedRate(Duration.ofMillis(50))
                .minimumValidity(minimum)
                .listener(new JobListener() {
                    @Override
                    public void skipped(Instant tick, String reason) {
                        skipped.add(tick);
                    }
                }).start());
        await().atMost(WAIT).until(() -> skipped.size() >= 3);
        // 1 ms for reading two clocks (validity runs on System.nanoTime, ticks on the wall clock).
        Duration floor = minimum.minusMillis(1);
        assertTrue(runsHad.stream().allMatch(had -> had.compareTo(floor) >= 0), "a run started with less than " + minimum + ": " + runsHad);
        assertThrows(IllegalArgumentException.class, () -> LeaderJob.builder(a, ctx -> { }).minimumValidity(Duration.ofSeconds(-1)));
        assertThrows(IllegalStateException.class, () -> LeaderJob.builder(a, ctx -> { }).start());
    }

    @Test
    void badUseIsRefusedAtStartWithTheValueAndTheRule() throws Exception {
        Coordinator c = Coordinator.connect("mem://" + cluster + "?sessionTimeout=1s");
        open.add(c);
        Election notStarted = c.election("job", ElectionOptions.builder().participantId("n").build());
        IllegalStateException early = assertThrows(IllegalStateException.class,
                () -> LeaderJob.builder(notStarted, ctx -> { }).atFixedRate(Duration.ofSeconds(1)).start());
        assertTrue(early.getMessage().contains("start election 'job' of n"), early.getMessage());

        Election observer = c.election("job", ElectionOptions.builder().participantId("o").observer(true).build()).start();
        IllegalArgumentException watcher = assertThrows(IllegalArgumentException.class,
                () -> LeaderJob.builder(observer, ctx -> { }).atFixedRate(Duration.ofSeconds(1)).start());
        assertTrue(watcher.getMessage().contains("observer"), watcher.getMessage());

        Election running = started("r");
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> LeaderJob.builder(running, ctx -> { }).atFixedRate(Duration.ofSeconds(1)).minimumValidity(Duration.ofSeconds(1)).start());
        assertTrue(tooLong.getMessage().contains("minimumValidity 1s") && tooLong.getMessage().contains("800ms"), tooLong.getMessage());

        running.close();
        assertThrows(ElectionClosedException.class, () -> LeaderJob.builder(running, ctx -> { }).atFixedRate(Duration.ofSeconds(1)).start());
        // "Wait for ever" is a valid timeout, not an arithmetic overflow.
        Election waiting = started("w");
        assertEquals("w", waiting.awaitLeadership(Duration.ofMillis(Long.MAX_VALUE)).participantId());
    }
}
