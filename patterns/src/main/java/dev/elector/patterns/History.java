package dev.elector.patterns;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened in one run, in true time: the believed-leader intervals, the writes the fenced resource
 * saw, the leader crashes, the faults as they hit, and the message counts. The {@link Checker} reads only
 * this, so hand-made histories test it.
 */
final class History {
    /** A believed-leader interval [start, end); {@code end} is already cut at the node's own deadline. */
    static final class Interval {
        final int node;
        final long token;
        final long start;
        long end;

        Interval(int node, long token, long start, long end) {
            this.node = node;
            this.token = token;
            this.start = start;
            this.end = end;
        }
    }

    /** A write that reached the fenced resource at {@code time}, and whether its token was accepted. */
    record Write(int node, long token, long time, boolean accepted) { }

    /** A fault as it hit this run: "the leader" resolved to a node (-1: none). */
    record Hit(FaultKind kind, long start, long end, int node) { }

    final int nodes;
    final long duration;
    /** In order of start time. */
    final List<Interval> intervals = new ArrayList<>();
    final List<Write> writes = new ArrayList<>();
    /** Crashes of a node that believed it led: {time, node}. */
    final List<long[]> leaderCrashes = new ArrayList<>();
    final List<Hit> hits = new ArrayList<>();
    long electionMessages;
    long messages;

    History(int nodes, long duration) {
        this.nodes = nodes;
        this.duration = duration;
    }

    /** Hand-made histories in tests use this; the simulator records through {@link Recorder}. */
    Interval add(int node, long token, long start, long end) {
        Interval interval = new Interval(node, token, start, end);
        intervals.add(interval);
        return interval;
    }

    /**
     * Turns lead/unlead reports into intervals. An open interval ends at the earliest of: unlead, crash,
     * a new token, the end of the run, and its own deadline, which is what makes a paused leader past its
     * deadline stop counting as a leader.
     */
    static final class Recorder {
        private final History history;
        private final Interval[] open;
        private final long[] deadline;

        Recorder(History history) {
            this.history = history;
            this.open = new Interval[history.nodes];
            this.deadline = new long[history.nodes];
        }

        void lead(int node, long token, long deadlineTrue, long now) {
            if (deadlineTrue <= now) {
                return;
            }
            Interval current = open[node];
            if (current != null && current.token == token && deadline[node] > now) {
                deadline[node] = deadlineTrue;
                return;
            }
            close(node, now);
            open[node] = history.add(node, token, now, Long.MAX_VALUE);
            deadline[node] = deadlineTrue;
        }

        void close(int node, long now) {
            Interval current = open[node];
            if (current != null) {
                current.end = Math.min(now, deadline[node]);
                open[node] = null;
            }
        }

        boolean believes(int node, long now) {
            return open[node] != null && deadline[node] > now;
        }

        /** The node that believes it leads and whose term began last, or -1. */
        int leader(long now) {
            int best = -1;
            for (int i = 0; i < open.length; i++) {
                if (believes(i, now) && (best < 0 || open[i].start > open[best].start)) {
                    best = i;
                }
            }
            return best;
        }

        void finish(long end) {
            for (int i = 0; i < open.length; i++) {
                close(i, end);
            }
        }
    }
}
