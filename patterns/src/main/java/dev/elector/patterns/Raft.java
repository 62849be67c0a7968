package dev.elector.patterns;

import java.util.Arrays;

/**
 * Raft's leader election (Ongaro and Ousterhout 2014, section 5.2), without a log: terms, one vote per
 * term, a majority to win, heartbeats. Three modes:
 * <ul>
 * <li>{@link Mode#PLAIN}: the leader believes until it hears a higher term. Cut off, or paused, it keeps
 * believing while the majority elects another.</li>
 * <li>{@link Mode#PRE_VOTE_CHECK_QUORUM}: a candidate first asks whether it could win (pre-vote), nodes
 * that heard from a leader within the minimum election timeout refuse to vote, and a leader that has
 * not heard from a majority within that timeout steps down. Better, but still no deadline: a paused
 * leader cannot step down.</li>
 * <li>{@link Mode#LEASE}: as above, and the leader believes only until (send time of the latest heartbeat
 * a majority acknowledged) + {@link #LEASE}, on its own clock.</li>
 * </ul>
 *
 * <p>Why the lease is safe: a node that acknowledged a heartbeat sent at s votes for nobody else until
 * {@link #ELECTION_MIN} has passed on its clock after receiving it, so after true time
 * s + ELECTION_MIN / (1 + d). Any new leader needs one of those votes. The leader's own deadline, s + LEASE
 * on a clock that may run slow, is true time at most s + LEASE / (1 - d). So LEASE must be at most
 * ELECTION_MIN (1 - d) / (1 + d); a restarted node waits ELECTION_MIN before voting, since it forgot
 * when it last heard a leader. The token is the term.
 */
final class Raft implements Handler {
    static final long MS = 1_000_000L;
    static final long HEARTBEAT = 100 * MS;
    static final long ELECTION_MIN = 500 * MS;
    static final long ELECTION_MAX = 1_000 * MS;
    /** ELECTION_MIN (1 - d) / (1 + d) with d = 1 %, less 10 ms: 470 ms. */
    static final long LEASE = (long) (ELECTION_MIN * (1 - FaultTimeline.DRIFT_BOUND) / (1 + FaultTimeline.DRIFT_BOUND)) - 10 * MS;
    private static final int ROUNDS = 64;

    enum Mode { PLAIN, PRE_VOTE_CHECK_QUORUM, LEASE }

    private enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }

    /** Would you vote for me in {@code term}? Does not change anyone's term. */
    record PreVote(long term) implements Msg {
    }

    record PreVoteReply(long term, boolean granted) implements Msg {
    }

    record RequestVote(long term) implements Msg {
    }

    record Vote(long term, boolean granted) implements Msg {
    }

    /** The heartbeat (an empty AppendEntries) of one numbered round. */
    record Append(long term, long round) implements Msg {
        @Override
        public boolean election() {
            return false;
        }
    }

    record AppendReply(long term, long round, boolean ok) implements Msg {
        @Override
        public boolean election() {
            return false;
        }
    }

    private final Mode mode;
    private final long lease;
    // Kept across a crash, as Raft keeps them on disk.
    private long term;
    private int votedFor = -1;
    // Lost in a crash.
    private Role role = Role.FOLLOWER;
    private boolean[] votes = new boolean[0];
    private long lastHeardLeader;
    private long[] lastAck = new long[0];
    private long round;
    private final long[] roundSent = new long[ROUNDS];
    private final long[] roundNumber = new long[ROUNDS];
    /** Which nodes acknowledged each round: a set, so a duplicated reply counts once. */
    private final long[] roundAcks = new long[ROUNDS];
    private long leaseUntil;
    private boolean leading;
    private Context.Timer electionTimer;
    private Context.Timer heartbeatTimer;

    Raft(Mode mode) {
        this(mode, LEASE);
    }

    /** With another lease: only tests use it, to show the checker catching a lease past the bound. */
    Raft(Mode mode, long lease) {
        this.mode = mode;
        this.lease = lease;
    }

    private boolean sticky() {
        return mode != Mode.PLAIN;
    }

    @Override
    public void start(Context ctx) {
        role = Role.FOLLOWER;
        votes = new boolean[ctx.nodes()];
        lastAck = new long[ctx.nodes()];
        // A node that forgot when it last heard a leader behaves as if it just did (see the class comment).
        lastHeardLeader = ctx.now();
        resetElectionTimer(ctx);
    }

    @Override
    public void crash() {
        role = Role.FOLLOWER;
        leading = false;
        leaseUntil = 0;
        electionTimer = null;
        heartbeatTimer = null;
        Arrays.fill(roundNumber, 0);
    }

    private int quorum(Context ctx) {
        return ctx.nodes() / 2 + 1;
    }

    private boolean heardLeaderRecently(Context ctx) {
        return ctx.now() - lastHeardLeader < ELECTION_MIN;
    }

    private void resetElectionTimer(Context ctx) {
        cancel(electionTimer);
        long timeout = ELECTION_MIN + ctx.random().nextLong(ELECTION_MAX - ELECTION_MIN);
        electionTimer = ctx.setTimer(timeout, "election");
    }

    private void broadcast(Context ctx, Msg msg) {
        for (int j = 0; j < ctx.nodes(); j++) {
            if (j != ctx.self()) {
                ctx.send(j, msg);
            }
        }
    }

    private void countVote(Context ctx, int from, Role expected) {
        if (role != expected) {
            return;
        }
        votes[from] = true;
        int count = 0;
        for (boolean v : votes) {
            count += v ? 1 : 0;
        }
        if (count >= quorum(ctx)) {
            if (role == Role.PRE_CANDIDATE) {
                startElection(ctx);
            } else {
                becomeLeader(ctx);
            }
        }
    }

    private void startPreVote(Context ctx) {
        role = Role.PRE_CANDIDATE;
        Arrays.fill(votes, false);
        resetElectionTimer(ctx);
        broadcast(ctx, new PreVote(term + 1));
        countVote(ctx, ctx.self(), Role.PRE_CANDIDATE);
    }

    private void startElection(Context ctx) {
        term++;
        votedFor = ctx.self();
        role = Role.CANDIDATE;
        Arrays.fill(votes, false);
        resetElectionTimer(ctx);
        broadcast(ctx, new RequestVote(term));
        countVote(ctx, ctx.self(), Role.CANDIDATE);
    }

    private void becomeLeader(Context ctx) {
        role = Role.LEADER;
        cancel(electionTimer);
        Arrays.fill(lastAck, ctx.now());   // check-quorum gives a new leader one election timeout
        leaseUntil = 0;
        if (mode != Mode.LEASE) {
            leading = true;
            ctx.lead(term, Context.UNTIL_FURTHER_NOTICE);
        }
        heartbeat(ctx);
    }

    private void becomeFollower(Context ctx, long newTerm) {
        if (leading) {
            ctx.unlead();
            leading = false;
        }
        if (role == Role.LEADER) {
            cancel(heartbeatTimer);
            lastHeardLeader = ctx.now();   // it was the leader a moment ago: no votes for an election timeout
        }
        role = Role.FOLLOWER;
        if (newTerm > term) {
            term = newTerm;
            votedFor = -1;
        }
        resetElectionTimer(ctx);
    }

    private void heartbeat(Context ctx) {
        long now = ctx.now();
        if (sticky()) {
            int recent = 0;
            for (int j = 0; j < ctx.nodes(); j++) {
                recent += j == ctx.self() || now - lastAck[j] < ELECTION_MIN ? 1 : 0;
            }
            if (recent < quorum(ctx) || (mode == Mode.LEASE && leading && now >= leaseUntil)) {
                becomeFollower(ctx, term);   // check-quorum: we may have been replaced
                return;
            }
        }
        round++;
        int slot = (int) (round % ROUNDS);
        roundNumber[slot] = round;
        roundSent[slot] = now;
        roundAcks[slot] = 1L << ctx.self();
        broadcast(ctx, new Append(term, round));
        heartbeatTimer = ctx.setTimer(HEARTBEAT, "heartbeat");
        if (ctx.nodes() == 1) {
            acknowledged(ctx, slot);
        }
    }

    private void acknowledged(Context ctx, int slot) {
        if (mode == Mode.LEASE && Long.bitCount(roundAcks[slot]) >= quorum(ctx)) {
            long until = roundSent[slot] + lease;
            if (until > leaseUntil && until > ctx.now()) {
                leaseUntil = until;
                leading = true;
                ctx.lead(term, until);
            }
        }
    }

    @Override
    public void onMessage(Context ctx, int from, Msg msg) {
        if (msg instanceof PreVote p) {
            boolean granted = p.term() > term && !(sticky() && (role == Role.LEADER || heardLeaderRecently(ctx)));
            ctx.send(from, new PreVoteReply(p.term(), granted));
        } else if (msg instanceof PreVoteReply r) {
            if (r.granted() && r.term() == term + 1) {
                countVote(ctx, from, Role.PRE_CANDIDATE);
            }
        } else if (msg instanceof RequestVote v) {
            if (sticky() && (role == Role.LEADER || heardLeaderRecently(ctx))) {
                return;   // leader stickiness: ignore, do not even adopt the term
            }
            if (v.term() > term) {
                becomeFollower(ctx, v.term());
            }
            boolean granted = v.term() == term && (votedFor == -1 || votedFor == from);
            if (granted) {
                votedFor = from;
                resetElectionTimer(ctx);
            }
            ctx.send(from, new Vote(term, granted));
        } else if (msg instanceof Vote v) {
            if (v.term() > term) {
                becomeFollower(ctx, v.term());
            } else if (v.term() == term && v.granted()) {
                countVote(ctx, from, Role.CANDIDATE);
            }
        } else if (msg instanceof Append a) {
            if (a.term() < term) {
                ctx.send(from, new AppendReply(term, a.round(), false));
                return;
            }
            if (a.term() > term || role != Role.FOLLOWER) {
                becomeFollower(ctx, a.term());
            }
            lastHeardLeader = ctx.now();
            resetElectionTimer(ctx);
            ctx.send(from, new AppendReply(term, a.round(), true));
        } else if (msg instanceof AppendReply r) {
            if (r.term() > term) {
                becomeFollower(ctx, r.term());
                return;
            }
            if (role != Role.LEADER || r.term() != term || !r.ok()) {
                return;
            }
            lastAck[from] = ctx.now();
            int slot = (int) (r.round() % ROUNDS);
            if (roundNumber[slot] == r.round() && round - r.round() < ROUNDS) {
                roundAcks[slot] |= 1L << from;
                acknowledged(ctx, slot);
            }
        } else {
            throw new IllegalArgumentException("raft: unexpected " + msg);
        }
    }

    @Override
    public void onTimer(Context ctx, String tag) {
        switch (tag) {
            case "election" -> {
                if (role == Role.LEADER) {
                    return;
                }
                if (sticky()) {
                    startPreVote(ctx);
                } else {
                    startElection(ctx);
                }
            }
            case "heartbeat" -> {
                if (role == Role.LEADER) {
                    heartbeat(ctx);
                }
            }
            default -> throw new IllegalArgumentException("raft: unexpected timer " + tag);
        }
    }

    private static void cancel(Context.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
