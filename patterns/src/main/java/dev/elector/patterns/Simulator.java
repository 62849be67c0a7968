package dev.elector.patterns;

import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;

/**
 * The one deterministic simulator: virtual time, one event queue ordered by (time, sequence), a seeded
 * network, and the fault timeline. No wall clock, no threads. Endpoints are the nodes {@code 0..n-1}, the
 * registry {@code n} (the recipe's linearizable store, never crashed or paused: it stands for a healthy
 * quorum) and the fenced resource {@code n + 1}; the last two share one place in partitions.
 */
final class Simulator {
    static final long MS = 1_000_000L;
    /** Every believing node writes to the fenced resource this often, on its own clock. */
    static final long WRITE_EVERY = 100 * MS;
    private static final long MAX_EVENTS = 2_000_000;
    private static final long DELAY_MIN = MS / 2;
    private static final long DELAY_SPREAD = 4_500_000L;

    private final Algorithm algorithm;
    private final FaultTimeline timeline;
    private final int n;
    private final History history;
    private final History.Recorder recorder;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final SplittableRandom network;
    private final Node[] nodes;
    private final Node registry;
    private final int[] resolved;
    private long maxToken = Long.MIN_VALUE;
    private long now;
    private long sequence;
    private final long seed;
    private final int trial;

    private Simulator(Algorithm algorithm, FaultTimeline timeline, long seed, int trial, IntFunction<Handler> handlers) {
        this.algorithm = algorithm;
        this.seed = seed;
        this.trial = trial;
        this.timeline = timeline;
        this.n = timeline.rate.length;
        this.history = new History(n, timeline.duration);
        this.recorder = new History.Recorder(history);
        this.network = new SplittableRandom(mix(seed, trial, 0x4e37L + algorithm.ordinal()));
        this.nodes = new Node[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = new Node(i, handlers.apply(i), new SplittableRandom(mix(seed, trial, i)),
                    timeline.rate[i], timeline.offset[i]);
        }
        Handler store = algorithm.registry(n);
        this.registry = store == null ? null : new Node(n, store, new SplittableRandom(mix(seed, trial, n)), 1, 0);
        this.resolved = new int[timeline.faults.size()];
    }

    /** Runs one algorithm through one trial's faults and returns what happened. */
    static History run(Algorithm algorithm, FaultTimeline timeline, long seed, int trial) {
        int n = timeline.rate.length;
        return new Simulator(algorithm, timeline, seed, trial, i -> algorithm.node(i, n)).run();
    }

    /** As {@link #run(Algorithm, FaultTimeline, long, int)}, with other handlers: tests break an algorithm on purpose. */
    static History run(Algorithm algorithm, FaultTimeline timeline, long seed, int trial, IntFunction<Handler> handlers) {
        return new Simulator(algorithm, timeline, seed, trial, handlers).run();
    }

    /** A stable 64-bit mix of the seed and a few indices (SplitMix64's finalizer). */
    static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private History run() {
        for (int f = 0; f < timeline.faults.size(); f++) {
            Fault fault = timeline.faults.get(f);
            int index = f;
            at(fault.start(), () -> begin(index, fault));
        }
        for (Node node : nodes) {
            at(0, () -> node.handler.start(node));
        }
        if (registry != null) {
            at(0, () -> registry.handler.start(registry));
        }
        long events = 0;
        while (!queue.isEmpty() && queue.peek().time <= timeline.duration) {
            Event event = queue.poll();
            if (++events > MAX_EVENTS) {
                // A handler that floods the queue is a bug; fail loudly with what replays it.
                throw new IllegalStateException(algorithm.label + ": more than " + MAX_EVENTS + " events in trial "
                        + trial + " of seed " + seed + " (at " + now / MS + " ms)");
            }
            now = event.time;
            if (!event.cancelled) {
                event.action.run();
            }
        }
        recorder.finish(timeline.duration);
        return history;
    }

    private void begin(int index, Fault fault) {
        int target = fault.node() == Fault.LEADER ? recorder.leader(now) : fault.node();
        if (target < 0) {
            target = fault.fallback();
        }
        resolved[index] = target;
        history.hits.add(new History.Hit(fault.kind(), fault.start(), fault.end(), target));
        Node node = nodes[target];
        if (fault.kind() == FaultKind.CRASH && !node.crashed) {
            if (recorder.believes(target, now)) {
                history.leaderCrashes.add(new long[] {now, target});
            }
            node.crash();
            at(fault.end(), node::restart);
        } else if (fault.kind() == FaultKind.PAUSE && !node.crashed) {
            node.pausedUntil = Math.max(node.pausedUntil, fault.end());
        }
    }

    private Event at(long time, Runnable action) {
        Event event = new Event(time, sequence++, action);
        queue.add(event);
        return event;
    }

    private static int place(int endpoint, int n) {
        return Math.min(endpoint, n);
    }

    /** Whether the timeline cuts the link from one endpoint to another at this moment. */
    private boolean cut(int from, int to) {
        int a = place(from, n);
        int b = place(to, n);
        for (int f = 0; f < resolved.length; f++) {
            Fault fault = timeline.faults.get(f);
            if (!fault.activeAt(now)) {
                continue;
            }
            int x = resolved[f];
            boolean[] far = fault.places();
            switch (fault.kind()) {
                case PARTITION -> {
                    if (far[a] != far[b]) {
                        return true;
                    }
                }
                case PARTIAL -> {
                    if ((a == x && b != x && far[b]) || (b == x && a != x && far[a])) {
                        return true;
                    }
                }
                case ONEWAY -> {
                    if (fault.outbound() ? a == x && b != x : b == x && a != x) {
                        return true;
                    }
                }
                default -> { }
            }
        }
        return false;
    }

    private void transmit(int from, int to, Msg msg, boolean counted) {
        if (counted) {
            history.messages++;
            if (msg.election()) {
                history.electionMessages++;
            }
        }
        if (from == to || cut(from, to)) {
            return;
        }
        double loss = 0;
        double duplicate = 0;
        long extra = 0;
        for (Fault fault : timeline.faults) {
            if (fault.activeAt(now)) {
                switch (fault.kind()) {
                    case LOSS -> loss = Math.max(loss, fault.p());
                    case DUPLICATE -> duplicate = Math.max(duplicate, fault.p());
                    case DELAY -> extra = Math.max(extra, fault.extra());
                    default -> { }
                }
            }
        }
        if (loss > 0 && network.nextDouble() < loss) {
            return;
        }
        int copies = duplicate > 0 && network.nextDouble() < duplicate ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            long delay = DELAY_MIN + network.nextLong(DELAY_SPREAD) + (extra > 0 ? network.nextLong(extra) : 0);
            at(now + delay, () -> deliver(from, to, msg));
        }
    }

    private void deliver(int from, int to, Msg msg) {
        if (to == n + 1) {
            Write write = (Write) msg;
            boolean accepted = write.token >= maxToken;
            if (accepted) {
                maxToken = write.token;
            }
            history.writes.add(new History.Write(from, write.token, now, accepted));
            return;
        }
        Node node = to == n ? registry : nodes[to];
        if (node == null || node.crashed) {
            return;
        }
        if (node.pausedUntil > now) {
            at(node.pausedUntil, () -> deliver(from, to, msg));
            return;
        }
        node.handler.onMessage(node, from, msg);
    }

    /** A write to the fenced resource, with the writer's token. Not algorithm traffic: never counted. */
    record Write(long token) implements Msg {
        @Override
        public boolean election() {
            return false;
        }
    }

    private static final class Event implements Comparable<Event> {
        final long time;
        final long seq;
        final Runnable action;
        boolean cancelled;

        Event(long time, long seq, Runnable action) {
            this.time = time;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    /** One endpoint's runtime: its handler, its drifting clock, crash and pause state, its leader-only writer. */
    private final class Node implements Context {
        final int id;
        final Handler handler;
        final SplittableRandom random;
        final double rate;
        final long offset;
        int incarnation;
        boolean crashed;
        long pausedUntil;
        long leadToken;
        long leadUntil = Long.MIN_VALUE;
        boolean writing;

        Node(int id, Handler handler, SplittableRandom random, double rate, long offset) {
            this.id = id;
            this.handler = handler;
            this.random = random;
            this.rate = rate;
            this.offset = offset;
        }

        void crash() {
            recorder.close(id, now);
            handler.crash();
            incarnation++;
            crashed = true;
            pausedUntil = 0;
            leadUntil = Long.MIN_VALUE;
            writing = false;
        }

        void restart() {
            crashed = false;
            handler.start(this);
        }

        /** Runs an action of this node now, or when its pause ends; never after a crash. */
        void run(int inc, Runnable action) {
            if (crashed || inc != incarnation) {
                return;
            }
            if (pausedUntil > now) {
                at(pausedUntil, () -> run(inc, action));
                return;
            }
            action.run();
        }

        long trueTime(long local) {
            return (long) Math.ceil((local - offset) / rate);
        }

        @Override
        public int self() {
            return id;
        }

        @Override
        public int nodes() {
            return n;
        }

        @Override
        public long now() {
            return offset + (long) (now * rate);
        }

        @Override
        public void send(int to, Msg msg) {
            transmit(id, to, msg, true);
        }

        @Override
        public Timer setTimer(long delayNanos, String tag) {
            int inc = incarnation;
            Event event = at(now + (long) Math.ceil(Math.max(0, delayNanos) / rate),
                    () -> run(inc, () -> handler.onTimer(this, tag)));
            return () -> event.cancelled = true;
        }

        @Override
        public RandomGenerator random() {
            return random;
        }

        @Override
        public void lead(long token, long deadline) {
            if (id >= n) {
                throw new IllegalStateException("the registry cannot lead");
            }
            long deadlineTrue = deadline == UNTIL_FURTHER_NOTICE ? Long.MAX_VALUE : trueTime(deadline);
            recorder.lead(id, token, deadlineTrue, now);
            leadToken = token;
            leadUntil = deadline;
            if (!writing && now() < leadUntil) {
                writing = true;
                write(incarnation);
            }
        }

        @Override
        public void unlead() {
            if (id < n) {
                recorder.close(id, now);
            }
            leadUntil = Long.MIN_VALUE;
        }

        /** The leader-only job: while this node believes, by its own clock, it writes with its token. */
        private void write(int inc) {
            if (inc != incarnation || now() >= leadUntil) {
                writing = false;
                return;
            }
            transmit(id, n + 1, new Write(leadToken), false);
            at(now + (long) Math.ceil(WRITE_EVERY / rate), () -> run(inc, () -> write(inc)));
        }
    }
}
