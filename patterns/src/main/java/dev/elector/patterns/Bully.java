package dev.elector.patterns;

/**
 * Bully (Garcia-Molina 1982) with heartbeats: the highest live id wins. A node that misses the leader's
 * heartbeats asks every higher id; if none answers in time it declares itself leader. It trusts its
 * failure detector completely, so a node cut off from the others, or paused, still believes it leads:
 * its belief has no deadline.
 *
 * <p>The token is an epoch: one more than the highest the new leader has heard of. It is kept across a
 * restart, as a careful implementation would keep it on disk. Two leaders on two sides of a partition
 * may share an epoch, and the fenced resource accepts both.
 */
final class Bully implements Handler {
    static final long MS = 1_000_000L;
    static final long HEARTBEAT = 100 * MS;
    static final long LEADER_TIMEOUT = 500 * MS;
    static final long ANSWER_TIMEOUT = 100 * MS;
    static final long COORDINATOR_TIMEOUT = 500 * MS;

    /** "I start an election": sent to every higher id. */
    record Election(long epoch) implements Msg {
    }

    /** "I am alive and higher than you: stand down." */
    record Answer() implements Msg {
    }

    /** "I lead with this epoch." Sent once on winning and as the periodic heartbeat. */
    record Coordinator(long epoch, boolean heartbeat) implements Msg {
        @Override
        public boolean election() {
            return !heartbeat;
        }
    }

    private long epoch;
    private int leader = -1;
    private boolean electing;
    private boolean answered;
    private Context.Timer electionTimer;
    private Context.Timer leaderTimer;
    private Context.Timer heartbeatTimer;

    @Override
    public void start(Context ctx) {
        leader = -1;
        startElection(ctx);
    }

    @Override
    public void crash() {
        leader = -1;
        electing = false;
        answered = false;
        electionTimer = null;
        leaderTimer = null;
        heartbeatTimer = null;
    }

    private void startElection(Context ctx) {
        if (leader == ctx.self()) {
            return;
        }
        electing = true;
        answered = false;
        for (int j = ctx.self() + 1; j < ctx.nodes(); j++) {
            ctx.send(j, new Election(epoch));
        }
        cancel(electionTimer);
        electionTimer = ctx.setTimer(ANSWER_TIMEOUT, "answer");
    }

    private void becomeLeader(Context ctx) {
        electing = false;
        epoch++;
        leader = ctx.self();
        cancel(leaderTimer);
        ctx.lead(epoch, Context.UNTIL_FURTHER_NOTICE);
        broadcast(ctx, false);
        cancel(heartbeatTimer);
        heartbeatTimer = ctx.setTimer(HEARTBEAT, "heartbeat");
    }

    private void broadcast(Context ctx, boolean heartbeat) {
        for (int j = 0; j < ctx.nodes(); j++) {
            if (j != ctx.self()) {
                ctx.send(j, new Coordinator(epoch, heartbeat));
            }
        }
    }

    private void follow(Context ctx, int j) {
        if (leader == ctx.self()) {
            ctx.unlead();
        }
        leader = j;
        electing = false;
        cancel(electionTimer);
        cancel(leaderTimer);
        leaderTimer = ctx.setTimer(LEADER_TIMEOUT, "leader");
    }

    @Override
    public void onMessage(Context ctx, int from, Msg msg) {
        if (msg instanceof Election e) {
            epoch = Math.max(epoch, e.epoch());
            ctx.send(from, new Answer());
            if (leader == ctx.self()) {
                ctx.send(from, new Coordinator(epoch, false));
            } else if (!electing) {
                startElection(ctx);
            }
        } else if (msg instanceof Answer a) {
            answered = true;
        } else if (msg instanceof Coordinator c) {
            epoch = Math.max(epoch, c.epoch());
            if (from > ctx.self()) {
                follow(ctx, from);
            } else if (leader == ctx.self()) {
                ctx.send(from, new Coordinator(epoch, false));   // bully the lower claimant
            } else if (!electing) {
                startElection(ctx);
            }
        } else {
            throw new IllegalArgumentException("bully: unexpected " + msg);
        }
    }

    @Override
    public void onTimer(Context ctx, String tag) {
        switch (tag) {
            case "heartbeat" -> {
                if (leader == ctx.self()) {
                    broadcast(ctx, true);
                    heartbeatTimer = ctx.setTimer(HEARTBEAT, "heartbeat");
                }
            }
            case "answer" -> {
                if (!electing) {
                    return;
                }
                if (answered) {
                    // Someone higher is alive; it should announce itself soon, or we try again.
                    electionTimer = ctx.setTimer(COORDINATOR_TIMEOUT, "coordinator");
                } else {
                    becomeLeader(ctx);
                }
            }
            case "coordinator" -> {
                if (electing) {
                    startElection(ctx);
                }
            }
            case "leader" -> {
                if (leader != ctx.self()) {
                    leader = -1;
                    startElection(ctx);
                }
            }
            default -> throw new IllegalArgumentException("bully: unexpected timer " + tag);
        }
    }

    private static void cancel(Context.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
