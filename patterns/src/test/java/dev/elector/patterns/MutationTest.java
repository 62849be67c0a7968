package dev.elector.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The zeros of the quorum rows depend on their bounds, and the checker sees it: the same trials with a
 * Raft lease longer than the minimum election timeout, or a recipe claiming past its session's TTL,
 * overlap; with the shipped bounds they do not.
 */
class MutationTest {
    private static long overlaps(Algorithm algorithm, IntFunction<Handler> handlers) {
        long overlaps = 0;
        for (int trial = 0; trial < 300; trial++) {
            FaultTimeline timeline = FaultTimeline.draw(11, trial, 5, EnumSet.allOf(FaultKind.class), 30_000 * Simulator.MS);
            overlaps += Checker.check(Simulator.run(algorithm, timeline, 11, trial, handlers)).overlaps();
        }
        return overlaps;
    }

    @Test
    void aLeaseLongerThanTheBoundOverlaps() {
        assertEquals(0, overlaps(Algorithm.RAFT_LEASE, i -> new Raft(Raft.Mode.LEASE)));
        long broken = overlaps(Algorithm.RAFT_LEASE, i -> new Raft(Raft.Mode.LEASE, Raft.ELECTION_MIN + 300 * Simulator.MS));
        assertTrue(broken > 0, "a 800 ms lease against a 500 ms election timeout must overlap");
    }

    @Test
    void aRecipeThatClaimsPastItsTtlOverlaps() {
        assertEquals(0, overlaps(Algorithm.RECIPE, i -> new Recipe()));
        long broken = overlaps(Algorithm.RECIPE, i -> new Recipe(-Recipe.TTL / 5));
        assertTrue(broken > 0, "believing 20 % past the TTL must overlap");
    }
}
