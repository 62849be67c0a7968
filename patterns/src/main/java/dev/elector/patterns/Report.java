package dev.elector.patterns;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The measured table: one row per algorithm, summed over all trials, as Markdown and as JSON. */
final class Report {
    /** One algorithm's totals over all trials. */
    static final class Row {
        final Algorithm algorithm;
        int trials;
        long overlaps;
        int trialsWithOverlap;
        long overlapNanos;
        long noLeaderNanos;
        long duration;
        final List<Long> failovers = new ArrayList<>();
        int unrecovered;
        long elections;
        long electionMessages;
        long messages;
        final long[] leaderNanos;
        long writesAccepted;
        long staleWrites;

        Row(Algorithm algorithm, int nodes) {
            this.algorithm = algorithm;
            this.leaderNanos = new long[nodes];
        }

        void add(Checker.Trial t) {
            trials++;
            overlaps += t.overlaps();
            trialsWithOverlap += t.overlaps() > 0 ? 1 : 0;
            overlapNanos += t.overlapNanos();
            noLeaderNanos += t.noLeaderNanos();
            duration += t.duration();
            failovers.addAll(t.failovers());
            unrecovered += t.unrecovered();
            elections += t.elections();
            electionMessages += t.electionMessages();
            messages += t.messages();
            for (int i = 0; i < leaderNanos.length; i++) {
                leaderNanos[i] += t.leaderNanos()[i];
            }
            writesAccepted += t.writesAccepted();
            staleWrites += t.staleWrites();
        }

        double noLeaderPercent() {
            return duration == 0 ? 0 : 100.0 * noLeaderNanos / duration;
        }

        /** The failover at quantile q (0.5: median), in ms; -1 without any leader crash. */
        double failoverMs(double q) {
            if (failovers.isEmpty()) {
                return -1;
            }
            List<Long> sorted = new ArrayList<>(failovers);
            Collections.sort(sorted);
            int index = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
            return sorted.get(Math.max(0, index)) / 1e6;
        }

        double messagesPerElection() {
            return elections == 0 ? 0 : (double) electionMessages / elections;
        }

        double messagesPerSecond() {
            return duration == 0 ? 0 : messages / (duration / 1e9);
        }

        double[] shares() {
            long total = 0;
            for (long l : leaderNanos) {
                total += l;
            }
            double[] shares = new double[leaderNanos.length];
            for (int i = 0; i < shares.length; i++) {
                shares[i] = total == 0 ? 0 : 100.0 * leaderNanos[i] / total;
            }
            return shares;
        }
    }

    private Report() {
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String shares(Row row, String separator) {
        StringBuilder out = new StringBuilder();
        for (double s : row.shares()) {
            out.append(out.length() == 0 ? "" : separator).append(f("%.0f", s));
        }
        return out.toString();
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| algorithm | overlaps | trials with overlap | overlap total ms | no leader % | failover p50 ms |"
                + " failover max ms | msgs/election | msgs/s | leader share per node % | stale writes / accepted |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Row r : rows) {
            out.append(f("| %s | %d | %d | %.0f | %.1f | %s | %s | %.1f | %.0f | %s | %d / %d |\n", r.algorithm.label,
                    r.overlaps, r.trialsWithOverlap, r.overlapNanos / 1e6, r.noLeaderPercent(), ms(r.failoverMs(0.5)),
                    ms(r.failoverMs(1)), r.messagesPerElection(), r.messagesPerSecond(), shares(r, "/"),
                    r.staleWrites, r.writesAccepted));
        }
        return out.toString();
    }

    private static String ms(double value) {
        return value < 0 ? "-" : f("%.0f", value);
    }

    static String json(Options options, List<Row> rows) {
        StringBuilder out = new StringBuilder("{\n");
        out.append(f("  \"seed\": %d,\n  \"trials\": %d,\n  \"nodes\": %d,\n  \"trial_ms\": %d,\n", options.seed(),
                options.trials(), options.nodes(), options.trialMillis()));
        out.append("  \"faults\": [");
        List<FaultKind> kinds = new ArrayList<>(options.faults());
        for (int i = 0; i < kinds.size(); i++) {
            out.append(i == 0 ? "" : ", ").append('"').append(kinds.get(i).label()).append('"');
        }
        out.append("],\n  \"drift_bound\": ").append(FaultTimeline.DRIFT_BOUND).append(",\n  \"rows\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.append("    {");
            out.append(f("\"algorithm\": \"%s\", \"trials\": %d, \"overlaps\": %d, \"trials_with_overlap\": %d, "
                            + "\"overlap_total_ms\": %.3f, \"no_leader_percent\": %.3f, \"failover_p50_ms\": %.3f, "
                            + "\"failover_max_ms\": %.3f, \"leader_crashes\": %d, \"unrecovered_crashes\": %d, "
                            + "\"elections\": %d, \"messages_per_election\": %.3f, \"messages_per_second\": %.3f, ",
                    r.algorithm.label, r.trials, r.overlaps, r.trialsWithOverlap, r.overlapNanos / 1e6,
                    r.noLeaderPercent(), r.failoverMs(0.5), r.failoverMs(1), r.failovers.size() + r.unrecovered,
                    r.unrecovered, r.elections, r.messagesPerElection(), r.messagesPerSecond()));
            out.append("\"leader_share_percent\": [");
            double[] shares = r.shares();
            for (int k = 0; k < shares.length; k++) {
                out.append(k == 0 ? "" : ", ").append(f("%.3f", shares[k]));
            }
            out.append(f("], \"writes_accepted\": %d, \"stale_writes\": %d}", r.writesAccepted, r.staleWrites));
            out.append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        out.append("  ]\n}\n");
        return out.toString();
    }
}
