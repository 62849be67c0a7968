package dev.elector.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories: it must find what is there and nothing else. */
class CheckerTest {
    private static final long S = 1_000_000_000L;

    @Test
    void twoNodesBelievingAtOnceIsAnOverlap() {
        History h = new History(3, 10 * S);
        h.add(0, 1, 0, 6 * S);
        h.add(1, 2, 5 * S, 10 * S);
        Checker.Trial t = Checker.check(h);
        assertEquals(1, t.overlaps());
        assertEquals(S, t.overlapNanos());
        assertEquals(0, t.noLeaderNanos());
        assertEquals(2, t.elections());
    }

    @Test
    void aPausedLeaderStopsCountingAtItsDeadline() {
        History h = new History(2, 10 * S);
        History.Recorder recorder = new History.Recorder(h);
        recorder.lead(0, 1, 4 * S, 0);        // believes until its deadline at 4 s ...
        recorder.lead(1, 2, Long.MAX_VALUE, 5 * S);   // ... is paused past it; node 1 claims at 5 s
        recorder.close(0, 7 * S);              // node 0 resumes and steps down at 7 s: too late to matter
        recorder.finish(10 * S);
        Checker.Trial t = Checker.check(h);
        assertEquals(0, t.overlaps());
        assertEquals(S, t.noLeaderNanos());
        assertFalse(recorder.believes(0, 6 * S));
    }

    @Test
    void withoutADeadlineTheSamePauseIsAnOverlap() {
        History h = new History(2, 10 * S);
        History.Recorder recorder = new History.Recorder(h);
        recorder.lead(0, 1, Long.MAX_VALUE, 0);
        recorder.lead(1, 2, Long.MAX_VALUE, 5 * S);
        assertTrue(recorder.believes(0, 6 * S));
        recorder.close(0, 7 * S);
        recorder.finish(10 * S);
        Checker.Trial t = Checker.check(h);
        assertEquals(1, t.overlaps());
        assertEquals(2 * S, t.overlapNanos());
    }

    @Test
    void renewingTheSameTokenIsOneElectionAndOneInterval() {
        History h = new History(2, 10 * S);
        History.Recorder recorder = new History.Recorder(h);
        recorder.lead(0, 9, 2 * S, 0);
        recorder.lead(0, 9, 4 * S, S);
        recorder.finish(10 * S);
        assertEquals(1, h.intervals.size());
        assertEquals(4 * S, h.intervals.get(0).end);
        assertEquals(1, Checker.check(h).elections());
    }

    @Test
    void aWriteAcceptedAfterAnotherNodeClaimedIsStale() {
        History h = new History(2, 10 * S);
        h.add(0, 1, 0, 3 * S);
        h.add(1, 2, 4 * S, 10 * S);
        h.writes.add(new History.Write(0, 1, 2 * S, true));       // the rightful leader's write
        h.writes.add(new History.Write(0, 1, 3500_000_000L, true)); // after its term, before anyone else: not stale
        h.writes.add(new History.Write(0, 1, 4500_000_000L, true)); // delayed past node 1's claim: stale
        h.writes.add(new History.Write(0, 1, 6 * S, false));      // fenced off: not accepted, not stale
        h.writes.add(new History.Write(1, 2, 7 * S, true));
        Checker.Trial t = Checker.check(h);
        assertEquals(4, t.writesAccepted());
        assertEquals(1, t.staleWrites());
    }

    @Test
    void failoverRunsFromTheLeadersCrashToTheNextBelief() {
        History h = new History(3, 10 * S);
        h.add(2, 1, 0, 3 * S);
        h.add(1, 2, 3 * S + 600_000_000L, 10 * S);
        h.leaderCrashes.add(new long[] {3 * S, 2});
        h.leaderCrashes.add(new long[] {9 * S, 1});
        Checker.Trial t = Checker.check(h);
        assertEquals(List.of(600_000_000L), t.failovers());
        assertEquals(1, t.unrecovered());
        assertEquals(3 * S, t.leaderNanos()[2]);
    }
}
