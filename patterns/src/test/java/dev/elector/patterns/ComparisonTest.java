package dev.elector.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module's claim, measured: the quorum-based rows never overlap over 1,000 seeded trials with
 * partitions, pauses and drift within bound, and the same checker does find overlaps in Bully, Ring and
 * plain Raft on the same trials (so the zero is not a blind checker).
 */
class ComparisonTest {
    private static Map<Algorithm, Report.Row> run(String faults, int trials) {
        Options options = new Options(7, trials, 5, Options.faults(faults), Path.of("unused"), Options.TRIAL_MILLIS);
        return Patterns.simulate(options).rows().stream().collect(Collectors.toMap(r -> r.algorithm, Function.identity()));
    }

    @Test
    void quorumRowsNeverOverlapAndTheOthersDoUnderEveryFault() {
        Map<Algorithm, Report.Row> rows = run("all", 1000);
        for (Algorithm safe : List.of(Algorithm.RAFT_LEASE, Algorithm.RECIPE)) {
            assertEquals(1000, rows.get(safe).trials);
            assertEquals(0, rows.get(safe).overlaps, safe.label + " overlapped");
            assertEquals(0, rows.get(safe).staleWrites, safe.label + " had a stale write accepted");
            assertTrue(rows.get(safe).noLeaderPercent() < 20, safe.label + " must still elect: " + rows.get(safe).noLeaderPercent());
        }
        for (Algorithm unsafe : List.of(Algorithm.BULLY, Algorithm.RING, Algorithm.RAFT)) {
            assertTrue(rows.get(unsafe).overlaps > 0, unsafe.label + " showed no overlap: the checker would be blind");
        }
    }

    @Test
    void partitionsAloneAndPausesAloneBreakTheUnleasedRows() {
        for (String faults : List.of("partition,drift", "pause,drift")) {
            Map<Algorithm, Report.Row> rows = run(faults, 300);
            assertEquals(0, rows.get(Algorithm.RAFT_LEASE).overlaps, faults);
            assertEquals(0, rows.get(Algorithm.RECIPE).overlaps, faults);
            for (Algorithm unsafe : List.of(Algorithm.BULLY, Algorithm.RING, Algorithm.RAFT)) {
                assertTrue(rows.get(unsafe).overlaps > 0, unsafe.label + " showed no overlap under " + faults);
            }
        }
    }

    @Test
    void withoutFaultsEveryAlgorithmElectsOneLeaderAndKeepsIt() {
        Map<Algorithm, Report.Row> rows = run("none", 20);
        for (Report.Row row : rows.values()) {
            assertEquals(0, row.overlaps, row.algorithm.label);
            assertTrue(row.noLeaderPercent() < 2, row.algorithm.label + ": " + row.noLeaderPercent());
        }
    }
}
