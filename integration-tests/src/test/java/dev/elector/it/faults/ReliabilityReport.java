package dev.elector.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reliability table. Each trial becomes one tab-separated line, appended at once to
 * {@code integration-tests/target/reliability-trials.tsv} (so a soak stopped halfway keeps what it ran);
 * the table is built from such lines, in the run ({@code target/reliability-report.md}) and by
 * {@code scripts/soak}, which merges the lines of every soak run: {@link #main}.
 */
final class ReliabilityReport {
    static final Path TRIALS = Path.of("target", "reliability-trials.tsv");

    /** One trial, as a line: scenario, backend, ttl ms, overlap ns, stale accepted, stale rejected, failover ms or -, liveness violated, leaks, tokens increasing. */
    record TrialRow(String scenario, String backend, long ttlMillis, long overlapNanos, int staleAccepted, int staleRejected, Long failoverMillis,
                    boolean livenessViolated, int leaks, boolean tokensIncreasing) {
        String line() {
            return String.join("\t", scenario, backend, Long.toString(ttlMillis), Long.toString(overlapNanos), Integer.toString(staleAccepted),
                    Integer.toString(staleRejected), failoverMillis == null ? "-" : Long.toString(failoverMillis), livenessViolated ? "1" : "0",
                    Integer.toString(leaks), tokensIncreasing ? "1" : "0");
        }

        static TrialRow parse(String line) {
            String[] f = line.split("\t");
            if (f.length != 10) {
                throw new IllegalArgumentException("a trial line has 10 tab-separated fields, this one " + f.length + ": " + line);
            }
            return new TrialRow(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                    f[6].equals("-") ? null : Long.valueOf(f[6]), f[7].equals("1"), Integer.parseInt(f[8]), f[9].equals("1"));
        }
    }

    private static final List<TrialRow> RUN = new ArrayList<>();

    private ReliabilityReport() {
    }

    static synchronized void add(String scenario, String backend, Duration ttl, Trial.Outcome o) {
        TrialRow row = new TrialRow(scenario, backend, ttl.toMillis(), o.overlapNanos(), o.staleAccepted(), o.staleRejected(), o.failoverMillis(),
                o.livenessViolated(), o.leakedEntries(), o.tokensIncreasing());
        RUN.add(row);
        try {
            Files.createDirectories(TRIALS.getParent());
            Files.writeString(TRIALS, row.line() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes this run's table to {@code target/reliability-report.md} and prints it; returns the summary line. */
    static synchronized String write() {
        String table = table(RUN);
        try {
            Path file = Path.of("target", "reliability-report.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(table);
        return table.substring(table.lastIndexOf("reliability trials=")).trim();
    }

    /** One row per scenario and backend, then the totals, then one summary line a script can parse. */
    static String table(List<TrialRow> trials) {
        Map<String, List<TrialRow>> groups = new TreeMap<>();
        for (TrialRow t : trials) {
            groups.computeIfAbsent(t.scenario() + "\u0000" + t.backend(), k -> new ArrayList<>()).add(t);
        }
        StringBuilder out = new StringBuilder();
        out.append("| scenario | backend | trials | max overlap ms | stale writes accepted | stale writes rejected | failover p50 ms | failover p99 ms"
                + " | failover max ms | max / TTL | liveness violations | token violations | leaked entries or leases |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int overlaps = 0;
        int stale = 0;
        int liveness = 0;
        int leaks = 0;
        int tokens = 0;
        for (Map.Entry<String, List<TrialRow>> e : groups.entrySet()) {
            String[] key = e.getKey().split("\u0000");
            List<TrialRow> rows = e.getValue();
            List<Long> failovers = rows.stream().map(TrialRow::failoverMillis).filter(f -> f != null).sorted().toList();
            long maxOverlapNanos = rows.stream().mapToLong(TrialRow::overlapNanos).max().orElse(0);
            long ttl = rows.get(0).ttlMillis();
            int rowStale = rows.stream().mapToInt(TrialRow::staleAccepted).sum();
            int rowLiveness = (int) rows.stream().filter(TrialRow::livenessViolated).count();
            int rowLeaks = rows.stream().mapToInt(TrialRow::leaks).sum();
            int rowTokens = (int) rows.stream().filter(t -> !t.tokensIncreasing()).count();
            out.append(String.format("| %s | %s | %d | %d | %d | %d | %s | %s | %s | %s | %d | %d | %d |%n", key[0], key[1], rows.size(),
                    (maxOverlapNanos + 999_999) / 1_000_000, rowStale, rows.stream().mapToInt(TrialRow::staleRejected).sum(),
                    percentile(failovers, 50), percentile(failovers, 99), percentile(failovers, 100),
                    failovers.isEmpty() ? "-" : String.format("%.2f", failovers.get(failovers.size() - 1) / (double) ttl), rowLiveness, rowTokens, rowLeaks));
            overlaps += (int) rows.stream().filter(t -> t.overlapNanos() > 0).count();
            stale += rowStale;
            liveness += rowLiveness;
            leaks += rowLeaks;
            tokens += rowTokens;
        }
        String summary = String.format("reliability trials=%d overlaps=%d stale_accepted=%d liveness_violations=%d token_violations=%d leaks=%d",
                trials.size(), overlaps, stale, liveness, tokens, leaks);
        return out.append('\n').append(summary).append('\n').toString();
    }

    /** Nearest-rank percentile; "-" without a value. */
    private static String percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return Long.toString(sorted.get(Math.max(0, rank - 1)));
    }

    /**
     * Prints the table of every trial line in the given files: {@code scripts/soak} merges its runs with it.
     *
     * @param args TSV files written by runs of the suite
     * @throws IOException if a file cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<TrialRow> all = new ArrayList<>();
        for (String file : args) {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (!line.isBlank()) {
                    all.add(TrialRow.parse(line));
                }
            }
        }
        System.out.print(table(all));
    }
}
