package dev.elector.patterns;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The validated, immutable options of a simulated comparison. Bad input fails with an
 * {@link IllegalArgumentException} that names the value and the rule.
 *
 * @param seed        the seed every trial's faults and randomness derive from
 * @param trials      how many trials each algorithm runs (the same faults for all)
 * @param nodes       how many election nodes
 * @param faults      the fault kinds the timeline may draw, in a fixed order
 * @param out         where table.md, results.json and the timelines go
 * @param trialMillis the virtual length of one trial
 */
record Options(long seed, int trials, int nodes, List<FaultKind> faults, Path out, long trialMillis) {
    static final int MAX_NODES = 15;
    static final int MAX_TRIALS = 1_000_000;
    static final long TRIAL_MILLIS = 30_000;

    Options {
        if (trials < 1 || trials > MAX_TRIALS) {
            throw new IllegalArgumentException("--trials " + trials + ": must be between 1 and " + MAX_TRIALS);
        }
        checkNodes(nodes);
        if (trialMillis < 10_000) {
            throw new IllegalArgumentException("trial length " + trialMillis + " ms: must be at least 10000 ms");
        }
        EnumSet<FaultKind> set = EnumSet.noneOf(FaultKind.class);
        set.addAll(faults);
        faults = List.copyOf(set);   // one order whatever the order given, so the output does not depend on it
    }

    static void checkNodes(int nodes) {
        if (nodes < 2 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes " + nodes + ": must be between 2 and " + MAX_NODES);
        }
    }

    Set<FaultKind> faultSet() {
        return faults.isEmpty() ? EnumSet.noneOf(FaultKind.class) : EnumSet.copyOf(faults);
    }

    /** Parses {@code [--seed N] [--trials N] [--nodes N] [--faults a,b|all|none] [--out DIR]}. */
    static Options parse(List<String> args) {
        Map<String, String> values = flags(args, List.of("--seed", "--trials", "--nodes", "--faults", "--out"));
        return new Options(number(values, "--seed", 1), small(values, "--trials", 1000),
                small(values, "--nodes", 5), faults(values.getOrDefault("--faults", "all")),
                Path.of(values.getOrDefault("--out", "target/patterns")), TRIAL_MILLIS);
    }

    static List<FaultKind> faults(String list) {
        if (list.equals("all")) {
            return List.of(FaultKind.values());
        }
        List<FaultKind> kinds = new ArrayList<>();
        if (list.equals("none")) {
            return kinds;
        }
        for (String name : list.split(",", -1)) {
            FaultKind kind = null;
            for (FaultKind k : FaultKind.values()) {
                if (k.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    kind = k;
                }
            }
            if (kind == null) {
                StringBuilder known = new StringBuilder();
                for (FaultKind k : FaultKind.values()) {
                    known.append(known.length() == 0 ? "" : ",").append(k.label());
                }
                throw new IllegalArgumentException("--faults " + list + ": unknown fault '" + name
                        + "'; use all, none, or a comma-separated list of " + known);
            }
            kinds.add(kind);
        }
        return kinds;
    }

    /** {@code --name value} or {@code --name=value} for the allowed names; anything else is an error. */
    static Map<String, String> flags(List<String> args, List<String> allowed) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; the options are " + String.join(", ", allowed));
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + ": needs a value");
                }
                value = args.get(++i);
            }
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException(name + ": given twice");
            }
        }
        return values;
    }

    /** A number that must fit an int; out of range, it fails with the value's own text. */
    static int small(Map<String, String> values, String name, int fallback) {
        long n = number(values, name, fallback);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " " + values.get(name) + ": is out of range");
        }
        return (int) n;
    }

    static long number(Map<String, String> values, String name, long fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " " + value + ": must be a whole number");
        }
    }
}
