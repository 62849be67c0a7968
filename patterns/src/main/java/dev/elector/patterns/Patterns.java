package dev.elector.patterns;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The election patterns side by side: Bully, Ring, Raft's election (plain; with pre-vote and check-quorum;
 * with a leader lease) and Elector's lowest-entry recipe, run through the same seeded faults in one
 * deterministic simulator and scored by one checker.
 *
 * <pre>
 * patterns [--seed N] [--trials N] [--nodes N] [--faults crash,pause,...|all|none] [--out DIR]
 * patterns live --algorithm bully|ring [--nodes N] [--seconds N] [--kill-leader-after N]
 * </pre>
 *
 * The first form prints the table, writes {@code table.md}, {@code results.json} and one
 * {@code timeline-<algorithm>.svg} per algorithm (trial 0 of the seed) to the output directory, and ends
 * with one summary line, {@code patterns: seed=... trials=... nodes=... <algorithm>.overlaps=N ...}. The
 * second runs Bully or Ring as local processes over TCP on 127.0.0.1. Bad input exits with status 2.
 */
public final class Patterns {
    private Patterns() {
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments, as described on the class
     */
    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /**
     * Runs the command line without exiting, for a host command such as {@code elector patterns}.
     *
     * @param args the arguments, as described on the class
     * @param out  where the table and the summary go
     * @param err  where errors go
     * @return the exit status: 0 on success, 2 for bad input, 1 for any other failure
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            if (!args.isEmpty() && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
                out.println(usage());
                return 0;
            }
            if (!args.isEmpty() && args.get(0).equals("live")) {
                return Live.run(Live.Options.parse(args.subList(1, args.size())), out);
            }
            if (!args.isEmpty() && args.get(0).equals(Live.NODE_COMMAND)) {
                return Live.node(args.subList(1, args.size()), out);
            }
            return compare(Options.parse(args), out);
        } catch (IllegalArgumentException e) {
            err.println("elector patterns: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("elector patterns: " + e);
            return 1;
        }
    }

    /**
     * The usage text.
     *
     * @return the lines of the usage, joined
     */
    public static String usage() {
        return String.join("\n",
                "usage: patterns [--seed N] [--trials N] [--nodes N] [--faults LIST] [--out DIR]",
                "       patterns live --algorithm bully|ring [--nodes N] [--seconds N] [--kill-leader-after N]",
                "  --seed N        seed of every trial's faults and randomness (default 1)",
                "  --trials N      trials per algorithm, 1 to " + Options.MAX_TRIALS + " (default 1000)",
                "  --nodes N       election nodes, 2 to " + Options.MAX_NODES + " (default 5)",
                "  --faults LIST   all (default), none, or some of crash,pause,partition,partial,oneway,loss,duplicate,delay,drift",
                "  --out DIR       where table.md, results.json and timeline-<algorithm>.svg go (default target/patterns)");
    }

    /** What a comparison measured: a row per algorithm, and trial 0's history per algorithm for the pictures. */
    record Result(List<Report.Row> rows, List<History> first) { }

    /** Runs every algorithm through the same trials. Deterministic: the same options give the same result. */
    static Result simulate(Options options) {
        Algorithm[] algorithms = Algorithm.values();
        List<Report.Row> rows = new ArrayList<>();
        List<History> first = new ArrayList<>();
        for (Algorithm a : algorithms) {
            rows.add(new Report.Row(a, options.nodes()));
        }
        for (int trial = 0; trial < options.trials(); trial++) {
            FaultTimeline timeline = FaultTimeline.draw(options.seed(), trial, options.nodes(), options.faultSet(),
                    options.trialMillis() * Simulator.MS);
            for (int k = 0; k < algorithms.length; k++) {
                History history = Simulator.run(algorithms[k], timeline, options.seed(), trial);
                rows.get(k).add(Checker.check(history));
                if (trial == 0) {
                    first.add(history);
                }
            }
        }
        return new Result(rows, first);
    }

    /** The one line a script can parse; deterministic, so it carries no wall time. */
    static String summary(Options options, List<Report.Row> rows) {
        StringBuilder line = new StringBuilder("patterns: seed=" + options.seed() + " trials=" + options.trials()
                + " nodes=" + options.nodes());
        for (Report.Row r : rows) {
            line.append(' ').append(r.algorithm.label).append(".overlaps=").append(r.overlaps);
        }
        return line.toString();
    }

    private static int compare(Options options, PrintStream out) {
        long began = System.nanoTime();   // only for the human-readable line; the simulator never reads it
        Result result = simulate(options);
        String table = Report.markdown(result.rows());
        try {
            Files.createDirectories(options.out());
            write(options.out().resolve("table.md"), table);
            write(options.out().resolve("results.json"), Report.json(options, result.rows()));
            for (int k = 0; k < result.first().size(); k++) {
                Algorithm a = result.rows().get(k).algorithm;
                write(options.out().resolve("timeline-" + a.label + ".svg"), Svg.timeline(a, result.first().get(k), options.seed()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + options.out() + ": " + e.getMessage(), e);
        }
        out.print(table);
        out.printf("%d algorithms x %d trials of %d s virtual time in %.1f s; wrote %s%n", result.rows().size(),
                options.trials(), options.trialMillis() / 1000, (System.nanoTime() - began) / 1e9, options.out());
        out.println(summary(options, result.rows()));
        return 0;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
