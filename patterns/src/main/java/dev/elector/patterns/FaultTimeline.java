package dev.elector.patterns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The faults of one trial, drawn from the seed before the run, so that every algorithm meets the same ones.
 * Network faults are windows; whether a given message is lost inside a window is the network's draw.
 */
final class FaultTimeline {
    /** The largest clock-rate error of any node: 1 %. Raft's lease and the recipe's margin are sized for it. */
    static final double DRIFT_BOUND = 0.01;

    private static final long MS = 1_000_000L;

    final List<Fault> faults;
    /** Each node's clock rate (1 means exact). */
    final double[] rate;
    /** Each node's clock offset: local clocks are not comparable across nodes. */
    final long[] offset;
    final long duration;

    private FaultTimeline(List<Fault> faults, double[] rate, long[] offset, long duration) {
        this.faults = faults;
        this.rate = rate;
        this.offset = offset;
        this.duration = duration;
    }

    /**
     * Draws the faults of one trial. Faults start after a quiet first 3 s (so a first leader exists) and
     * heal before the last 5 s (so liveness after healing shows).
     */
    static FaultTimeline draw(long seed, int trial, int nodes, Set<FaultKind> kinds, long duration) {
        SplittableRandom random = new SplittableRandom(Simulator.mix(seed, trial, 0x7a11L));
        double[] rate = new double[nodes];
        long[] offset = new long[nodes];
        for (int i = 0; i < nodes; i++) {
            rate[i] = kinds.contains(FaultKind.DRIFT) ? 1 + DRIFT_BOUND * (2 * random.nextDouble() - 1) : 1;
            offset[i] = random.nextLong(1_000_000 * MS);
        }
        List<FaultKind> windows = new ArrayList<>(EnumSet.copyOf(kinds.isEmpty() ? EnumSet.of(FaultKind.DRIFT) : kinds));
        windows.remove(FaultKind.DRIFT);
        List<Fault> faults = new ArrayList<>();
        if (!windows.isEmpty()) {
            int count = 3 + random.nextInt(4);
            long first = 3_000 * MS;
            long last = duration - 5_000 * MS;
            for (int k = 0; k < count; k++) {
                FaultKind kind = windows.get(random.nextInt(windows.size()));
                long start = first + random.nextLong(Math.max(1, last - first - 500 * MS));
                long length = switch (kind) {
                    case PAUSE -> 300 * MS + random.nextLong(3_700 * MS);
                    case CRASH -> 1_000 * MS + random.nextLong(7_000 * MS);
                    default -> 1_000 * MS + random.nextLong(7_000 * MS);
                };
                long end = Math.min(start + length, last);
                faults.add(fault(kind, start, end, nodes, random));
            }
        }
        faults.sort(Comparator.comparingLong(Fault::start));
        return new FaultTimeline(Collections.unmodifiableList(faults), rate, offset, duration);
    }

    private static Fault fault(FaultKind kind, long start, long end, int nodes, SplittableRandom random) {
        int fallback = random.nextInt(nodes);
        // Half of the crashes and pauses hit whoever leads at that moment: that is where algorithms differ.
        // Half of the crashes, pauses and one-node link faults hit whoever leads at that moment: that is
        // where the algorithms differ. The simulator resolves "the leader" when the fault begins.
        boolean targeted = kind == FaultKind.CRASH || kind == FaultKind.PAUSE || kind == FaultKind.PARTIAL
                || kind == FaultKind.ONEWAY;
        int node = targeted && random.nextBoolean() ? Fault.LEADER : fallback;
        boolean[] places = new boolean[nodes + 1];
        switch (kind) {
            case PARTITION -> {
                // A minority (never the registry's place) is cut off from the rest.
                int size = 1 + random.nextInt(Math.max(1, (nodes - 1) / 2));
                for (int chosen = 0; chosen < size; ) {
                    int i = random.nextInt(nodes);
                    if (!places[i]) {
                        places[i] = true;
                        chosen++;
                    }
                }
            }
            case PARTIAL -> {
                // The node loses some, not all, of its peers; the registry's place is one of the candidates.
                // The simulator never cuts a node from itself, so the target's own place may be set.
                for (int i = 0; i <= nodes; i++) {
                    places[i] = random.nextBoolean();
                }
                places[(fallback + 1) % nodes] = true;
            }
            case ONEWAY -> {
                Arrays.fill(places, true);
            }
            default -> { }
        }
        double p = switch (kind) {
            case LOSS -> 0.05 + 0.25 * random.nextDouble();
            case DUPLICATE -> 0.05 + 0.15 * random.nextDouble();
            default -> 0;
        };
        long extra = kind == FaultKind.DELAY ? 20 * MS + random.nextLong(380 * MS) : 0;
        return new Fault(kind, start, end, node, fallback, places, random.nextBoolean(), p, extra);
    }
}
