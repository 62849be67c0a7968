package dev.elector.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects every trial of every backend run in this JVM, and writes the table to
 * {@code integration-tests/target/reliability-report.md}, ending with one summary line.
 */
final class ReliabilityReport {
    private static final class Row {
        int trials;
        long maxOverlapNanos;
        int staleAccepted;
        int staleRejected;
        int livenessViolations;
        int leaks;
        int tokenViolations;
        final List<Long> failovers = new ArrayList<>();
        Duration ttl;
    }

    private static final Map<String, Row> ROWS = new TreeMap<>();

    private ReliabilityReport() {
    }

    static synchronized void add(String scenario, String backend, Duration ttl, Trial.Outcome o) {
        Row row = ROWS.computeIfAbsent(scenario + "\u0000" + backend, k -> new Row());
        row.ttl = ttl;
        row.trials++;
        row.maxOverlapNanos = Math.max(row.maxOverlapNanos, o.overlapNanos());
        row.staleAccepted += o.staleAccepted();
        row.staleRejected += o.staleRejected();
        row.livenessViolations += o.livenessViolated() ? 1 : 0;
        row.leaks += o.leakedEntries();
        row.tokenViolations += o.tokensIncreasing() ? 0 : 1;
        if (o.failoverMillis() != null) {
            row.failovers.add(o.failoverMillis());
        }
    }

    static synchronized String write() {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | backend | trials | max overlap ms | stale writes accepted | stale writes rejected | failover p50 ms | failover max ms"
                + " | p50 / TTL | max / TTL | liveness violations | leaked entries or leases |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int trials = 0;
        int overlaps = 0;
        int stale = 0;
        int liveness = 0;
        for (Map.Entry<String, Row> e : ROWS.entrySet()) {
            String[] key = e.getKey().split("\u0000");
            Row r = e.getValue();
            List<Long> sorted = r.failovers.stream().sorted().toList();
            String p50 = sorted.isEmpty() ? "-" : Long.toString(sorted.get((sorted.size() - 1) / 2));
            String max = sorted.isEmpty() ? "-" : Long.toString(sorted.get(sorted.size() - 1));
            String p50Ratio = sorted.isEmpty() ? "-" : String.format("%.2f", sorted.get((sorted.size() - 1) / 2) / (double) r.ttl.toMillis());
            String maxRatio = sorted.isEmpty() ? "-" : String.format("%.2f", sorted.get(sorted.size() - 1) / (double) r.ttl.toMillis());
            long overlapMs = (r.maxOverlapNanos + 999_999) / 1_000_000;
            out.append(String.format("| %s | %s | %d | %d | %d | %d | %s | %s | %s | %s | %d | %d |%n", key[0], key[1], r.trials, overlapMs,
                    r.staleAccepted, r.staleRejected, p50, max, p50Ratio, maxRatio, r.livenessViolations, r.leaks));
            trials += r.trials;
            overlaps += overlapMs > 0 ? 1 : 0;
            stale += r.staleAccepted;
            liveness += r.livenessViolations;
        }
        String summary = String.format("reliability trials=%d overlaps=%d stale_accepted=%d liveness_violations=%d", trials, overlaps, stale, liveness);
        out.append('\n').append(summary).append('\n');
        try {
            Path file = Path.of("target", "reliability-report.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(out);
        return summary;
    }
}
