package dev.elector.cli;

import dev.elector.patterns.Patterns;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code elector patterns}: Bully, Ring, Raft's election and the recipe side by side in the deterministic
 * simulator of {@code elector-patterns}, and {@code elector patterns live} for Bully or Ring over TCP.
 * The options are passed through as text: the module validates them and names the value and the rule.
 */
@Command(name = "patterns", mixinStandardHelpOptions = true,
        customSynopsis = "elector patterns [--seed N] [--trials N] [--nodes N] [--faults LIST] [--out DIR]",
        description = {"Runs Bully, Ring, Raft election (plain; pre-vote and check-quorum; with a leader lease) and Elector's"
                + " lowest-entry recipe through the same seeded faults, prints the measured table, writes table.md, results.json"
                + " and one timeline-<algorithm>.svg per algorithm, and ends with one summary line. See docs/patterns.md.", ""},
        footer = {"", "Examples:", "  elector patterns --trials 200", "  elector patterns --seed 9 --faults partition,pause,drift",
                "  elector patterns live --algorithm bully --nodes 5", "", "Exit codes: 2 a wrong command line, 1 any other failure."},
        subcommands = PatternsCommand.Live.class)
final class PatternsCommand implements Callable<Integer> {
    @Option(names = "--seed", paramLabel = "N", description = "Seed of every trial's faults and randomness (default 1).")
    String seed;

    @Option(names = "--trials", paramLabel = "N", description = "Trials per algorithm (default 1000).")
    String trials;

    @Option(names = "--nodes", paramLabel = "N", description = "Election nodes, 2 to 15 (default 5).")
    String nodes;

    @Option(names = "--faults", paramLabel = "LIST",
            description = "all (default), none, or some of crash,pause,partition,partial,oneway,loss,duplicate,delay,drift.")
    String faults;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default target/patterns).")
    String out;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        pass(args, "--seed", seed);
        pass(args, "--trials", trials);
        pass(args, "--nodes", nodes);
        pass(args, "--faults", faults);
        pass(args, "--out", out);
        return Patterns.run(args, System.out, System.err);
    }

    static void pass(List<String> args, String name, String value) {
        if (value != null) {
            args.add(name);
            args.add(value);
        }
    }

    /** {@code elector patterns live}: one local process per node, the same handler classes over TCP on 127.0.0.1. */
    @Command(name = "live", mixinStandardHelpOptions = true,
            customSynopsis = "elector patterns live --algorithm bully|ring [--nodes N] [--seconds N] [--kill-leader-after N]",
            description = {"Starts one process per node running Bully or Ring over TCP on 127.0.0.1 and prints who leads;"
                    + " kill a node's pid and watch the others elect.", ""})
    static final class Live implements Callable<Integer> {
        @Option(names = "--algorithm", paramLabel = "NAME", description = "bully (default) or ring.")
        String algorithm;

        @Option(names = "--nodes", paramLabel = "N", description = "Node processes, 2 to 15 (default 5).")
        String nodes;

        @Option(names = "--seconds", paramLabel = "N", description = "Stop after N seconds (default 0: until interrupted).")
        String seconds;

        @Option(names = "--kill-leader-after", paramLabel = "N", description = "Kill the leader's process after N seconds.")
        String killLeaderAfter;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("live"));
            pass(args, "--algorithm", algorithm);
            pass(args, "--nodes", nodes);
            pass(args, "--seconds", seconds);
            pass(args, "--kill-leader-after", killLeaderAfter);
            return Patterns.run(args, System.out, System.err);
        }
    }
}
