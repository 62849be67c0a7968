package dev.elector.patterns;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ring election (the list-collecting variant of Chang and Roberts): a node that misses the leader's
 * heartbeats sends an election message round the ring; each node adds its id. Back at the initiator, the
 * highest id in the list is the leader, and a coordinator message goes round to say so. Every hop is
 * acknowledged; a successor that does not acknowledge in time is skipped, which repairs the ring around a
 * dead node. Like Bully it trusts its failure detector, and its leader's belief has no deadline.
 *
 * <p>The token is an epoch, one more than the highest seen, carried round with the election.
 */
final class Ring implements Handler {
    static final long MS = 1_000_000L;
    static final long HEARTBEAT = 100 * MS;
    static final long LEADER_TIMEOUT = 500 * MS;
    static final long ACK_TIMEOUT = 100 * MS;
    /** A skipped node is tried again after this long, or as soon as it is heard from. */
    static final long SUSPECT_FOR = 2_000 * MS;

    /** Going round the ring, collecting the ids of the live nodes. */
    record Election(long id, int initiator, int[] ids, long epoch) implements Msg {
        @Override
        public boolean election() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Election e && e.id == id && e.initiator == initiator && Arrays.equals(e.ids, ids)
                    && e.epoch == epoch;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id) * 31 + Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Election[id=" + id + ", initiator=" + initiator + ", ids=" + Arrays.toString(ids) + ", epoch=" + epoch + "]";
        }
    }

    /** Going round the ring once: "this node leads with this epoch". */
    record Coordinator(long id, int initiator, int leader, long epoch) implements Msg {
    }

    /** One hop arrived. */
    record Ack(long id) implements Msg {
    }

    /** The leader's periodic "still here", sent to every node directly. */
    record Heartbeat(long epoch) implements Msg {
        @Override
        public boolean election() {
            return false;
        }
    }

    private long epoch;
    private int leader = -1;
    private boolean participant;
    private long counter;
    private long[] suspectedUntil = new long[0];
    /** Ids of the election and coordinator messages already handled, oldest first, so none is handled twice. */
    private final LinkedHashSet<Long> seen = new LinkedHashSet<>();
    private final Map<Long, Pending> pending = new TreeMap<>();
    private Context.Timer leaderTimer;
    private Context.Timer heartbeatTimer;

    /** A hop waiting for its acknowledgement. */
    private record Pending(Msg msg, int to) { }

    @Override
    public void start(Context ctx) {
        suspectedUntil = new long[ctx.nodes()];
        Arrays.fill(suspectedUntil, Long.MIN_VALUE);
        leader = -1;
        startElection(ctx);
    }

    @Override
    public void crash() {
        leader = -1;
        participant = false;
        pending.clear();
        seen.clear();
        leaderTimer = null;
        heartbeatTimer = null;
    }

    private void startElection(Context ctx) {
        participant = true;
        resetLeaderTimer(ctx);
        forward(ctx, new Election(nextId(ctx), ctx.self(), new int[] {ctx.self()}, epoch));
    }

    private long nextId(Context ctx) {
        return ((long) ctx.self() << 40) | counter++;
    }

    private int successor(Context ctx) {
        long now = ctx.now();
        for (int k = 1; k < ctx.nodes(); k++) {
            int j = (ctx.self() + k) % ctx.nodes();
            if (suspectedUntil[j] <= now) {
                return j;
            }
        }
        return -1;
    }

    /** Sends one hop to the first successor not suspected; if everyone is, handles the message itself. */
    private void forward(Context ctx, Msg msg) {
        int to = successor(ctx);
        if (to < 0) {
            if (msg instanceof Election e) {
                complete(ctx, new Election(e.id(), ctx.self(), new int[] {ctx.self()}, e.epoch()));
            }
            return;
        }
        long id = msg instanceof Election e ? e.id() : ((Coordinator) msg).id();
        pending.put(id, new Pending(msg, to));
        ctx.send(to, msg);
        ctx.setTimer(ACK_TIMEOUT, "ack:" + id);
    }

    private void complete(Context ctx, Election e) {
        int winner = Arrays.stream(e.ids()).max().orElse(ctx.self());
        long next = Math.max(epoch, e.epoch()) + 1;
        Coordinator c = new Coordinator(nextId(ctx), ctx.self(), winner, next);
        apply(ctx, c);
        forward(ctx, c);
    }

    private void apply(Context ctx, Coordinator c) {
        firstTime(c.id());
        epoch = Math.max(epoch, c.epoch());
        participant = false;
        accept(ctx, c.leader(), c.epoch());
    }

    private void accept(Context ctx, int newLeader, long newEpoch) {
        boolean wasLeader = leader == ctx.self();
        leader = newLeader;
        if (leader == ctx.self()) {
            ctx.lead(newEpoch, Context.UNTIL_FURTHER_NOTICE);
            if (!wasLeader) {
                cancelTimer(heartbeatTimer);
                heartbeatTimer = ctx.setTimer(HEARTBEAT, "heartbeat");
            }
        } else if (wasLeader) {
            ctx.unlead();
        }
        resetLeaderTimer(ctx);
    }

    private void resetLeaderTimer(Context ctx) {
        cancelTimer(leaderTimer);
        leaderTimer = ctx.setTimer(LEADER_TIMEOUT, "leader");
    }

    @Override
    public void onMessage(Context ctx, int from, Msg msg) {
        suspectedUntil[from] = Long.MIN_VALUE;   // heard from it: it is back in the ring
        if (msg instanceof Ack a) {
            pending.remove(a.id());
        } else if (msg instanceof Heartbeat h) {
            if (from == leader || h.epoch() > epoch || (h.epoch() == epoch && from > leader)) {
                epoch = Math.max(epoch, h.epoch());
                if (from != leader || leader != ctx.self()) {
                    accept(ctx, from, h.epoch());
                }
            }
        } else if (msg instanceof Election e) {
            ctx.send(from, new Ack(e.id()));
            epoch = Math.max(epoch, e.epoch());
            if (e.initiator() == ctx.self()) {
                if (firstTime(~e.id())) {   // back home, once: ~id is never a message id
                    complete(ctx, e);
                }
            } else if (!firstTime(e.id())) {
                return;   // a duplicate, or a second lap
            } else if (contains(e.ids(), ctx.self())) {
                return;   // it went round without its initiator: the initiator is gone
            } else if (participant && e.initiator() < ctx.self() && leader != ctx.self()) {
                return;   // our own or a higher-initiated election is already going round
            } else {
                participant = true;
                resetLeaderTimer(ctx);
                int[] ids = Arrays.copyOf(e.ids(), e.ids().length + 1);
                ids[ids.length - 1] = ctx.self();
                forward(ctx, new Election(e.id(), e.initiator(), ids, epoch));
            }
        } else if (msg instanceof Coordinator c) {
            ctx.send(from, new Ack(c.id()));
            if (c.initiator() == ctx.self() || !firstTime(c.id())) {
                return;
            }
            apply(ctx, c);
            forward(ctx, c);
        } else {
            throw new IllegalArgumentException("ring: unexpected " + msg);
        }
    }

    /** Whether this message id is new here; remembers the last 256, enough for any message still going round. */
    private boolean firstTime(long id) {
        if (!seen.add(id)) {
            return false;
        }
        if (seen.size() > 256) {
            seen.remove(seen.iterator().next());
        }
        return true;
    }

    private static boolean contains(int[] ids, int id) {
        for (int i : ids) {
            if (i == id) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onTimer(Context ctx, String tag) {
        if (tag.startsWith("ack:")) {
            long id = Long.parseLong(tag.substring(4));
            Pending p = pending.remove(id);
            if (p != null) {
                suspectedUntil[p.to()] = ctx.now() + SUSPECT_FOR;   // repair: skip it
                forward(ctx, p.msg());
            }
            return;
        }
        switch (tag) {
            case "heartbeat" -> {
                if (leader == ctx.self()) {
                    for (int j = 0; j < ctx.nodes(); j++) {
                        if (j != ctx.self()) {
                            ctx.send(j, new Heartbeat(epoch));
                        }
                    }
                    heartbeatTimer = ctx.setTimer(HEARTBEAT, "heartbeat");
                }
            }
            case "leader" -> {
                if (leader != ctx.self()) {
                    leader = -1;
                    startElection(ctx);
                } else {
                    resetLeaderTimer(ctx);
                }
            }
            default -> throw new IllegalArgumentException("ring: unexpected timer " + tag);
        }
    }

    private static void cancelTimer(Context.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
