package dev.elector.patterns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one checker, on a {@link History}, shared by every algorithm. Definitions:
 * <ul>
 * <li><b>overlap</b>: a pair of believed-leader intervals of two different nodes that intersect for more
 * than 0 ns. An interval runs from the claim to the earliest of unlead, crash, a new token, the run's end
 * and the node's own deadline, so a paused node whose deadline has passed no longer counts.</li>
 * <li><b>no leader</b>: the time in which no node believes it leads.</li>
 * <li><b>failover</b>: from the crash of a node that believed it led to the first moment another node
 * believes it leads.</li>
 * <li><b>elections</b>: the number of believed-leader intervals that begin a new (node, token) pair.</li>
 * <li><b>stale write</b>: a write the fenced resource accepted (token &gt;= the highest it had seen) at a
 * moment when the writer's (node, token) was not the latest claim, that is, when another node had begun a
 * believed-leader interval after the writer's term began.</li>
 * </ul>
 */
final class Checker {
    private Checker() {
    }

    /** One trial's measurements. */
    record Trial(int overlaps, long overlapNanos, long noLeaderNanos, long duration, List<Long> failovers,
                 int unrecovered, long elections, long electionMessages, long messages, long[] leaderNanos,
                 long writesAccepted, long staleWrites) {
    }

    /** The non-empty intervals, by start. */
    static List<History.Interval> sorted(History h) {
        List<History.Interval> intervals = new ArrayList<>();
        for (History.Interval i : h.intervals) {
            if (i.end > i.start) {
                intervals.add(i);
            }
        }
        intervals.sort(Comparator.comparingLong((History.Interval i) -> i.start).thenComparingLong(i -> i.end));
        return intervals;
    }

    /** Every overlapping pair of intervals of two different nodes: {node, other node, start, end}. */
    static List<long[]> overlaps(List<History.Interval> sorted) {
        List<long[]> pairs = new ArrayList<>();
        for (int a = 0; a < sorted.size(); a++) {
            History.Interval x = sorted.get(a);
            for (int b = a + 1; b < sorted.size() && sorted.get(b).start < x.end; b++) {
                History.Interval y = sorted.get(b);
                if (y.node != x.node) {
                    pairs.add(new long[] {x.node, y.node, y.start, Math.min(x.end, y.end)});
                }
            }
        }
        return pairs;
    }

    static Trial check(History h) {
        List<History.Interval> intervals = sorted(h);

        List<long[]> pairs = overlaps(intervals);
        long overlapNanos = 0;
        for (long[] pair : pairs) {
            overlapNanos += pair[3] - pair[2];
        }
        int overlaps = pairs.size();

        long covered = 0;
        long reach = 0;
        for (History.Interval i : intervals) {
            long start = Math.max(i.start, reach);
            long end = Math.min(i.end, h.duration);
            if (end > start) {
                covered += end - start;
            }
            reach = Math.max(reach, i.end);
        }

        List<Long> failovers = new ArrayList<>();
        int unrecovered = 0;
        for (long[] crash : h.leaderCrashes) {
            long t = crash[0];
            long first = Long.MAX_VALUE;
            for (History.Interval i : intervals) {
                if (i.node != crash[1] && i.end > t) {
                    first = Math.min(first, Math.max(i.start, t));
                }
            }
            if (first == Long.MAX_VALUE) {
                unrecovered++;
            } else {
                failovers.add(first - t);
            }
        }

        long elections = 0;
        long[] leaderNanos = new long[h.nodes];
        List<History.Interval> claims = new ArrayList<>();
        for (History.Interval i : h.intervals) {
            boolean renewed = false;
            for (int k = claims.size() - 1; k >= 0 && !renewed; k--) {
                History.Interval c = claims.get(k);
                renewed = c.node == i.node && c.token == i.token;
            }
            if (!renewed) {
                elections++;
            }
            claims.add(i);
            leaderNanos[i.node] += Math.max(0, i.end - i.start);
        }

        long accepted = 0;
        long stale = 0;
        for (History.Write w : h.writes) {
            if (!w.accepted()) {
                continue;
            }
            accepted++;
            History.Interval latest = null;
            for (History.Interval i : h.intervals) {
                if (i.start <= w.time() && i.end > i.start) {
                    latest = i;
                }
            }
            if (latest == null || latest.node != w.node() || latest.token != w.token()) {
                stale++;
            }
        }
        return new Trial(overlaps, overlapNanos, h.duration - covered, h.duration, failovers, unrecovered, elections,
                h.electionMessages, h.messages, leaderNanos, accepted, stale);
    }
}
