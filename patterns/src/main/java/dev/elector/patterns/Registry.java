package dev.elector.patterns;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The recipe's registry: a linearizable store of ephemeral, ordered entries bound to sessions, as ZooKeeper
 * or etcd offer it. It stands for a healthy replicated cluster, so it is one endpoint that never crashes,
 * pauses or drifts; the faults are between it and the clients. A session expires {@link Recipe#TTL} after
 * the registry received its latest renewal, and takes its entry with it. Every write (session, entry,
 * expiry) takes the next number of one global sequence, like ZooKeeper's zxid or etcd's revision, so an
 * entry's number is a fencing token that only grows.
 */
final class Registry implements Handler {
    record Open(long req) implements Msg {
    }

    record Opened(long req, long session) implements Msg {
    }

    record Renew(long req, long session) implements Msg {
        @Override
        public boolean election() {
            return false;
        }
    }

    record Renewed(long req, long session, boolean ok) implements Msg {
        @Override
        public boolean election() {
            return false;
        }
    }

    /** Creates the session's entry, or returns the one it has: a retried create is found, not duplicated. */
    record Register(long session) implements Msg {
    }

    /** {@code entry} is -1 if the session is gone. */
    record Registered(long session, long entry) implements Msg {
    }

    /**
     * Where is this entry now? {@code poll} marks a waiting candidate's periodic re-read (steady-state
     * traffic, there because this network can lose a watch's notification), as opposed to a read that
     * follows a registration or a deletion.
     */
    record Position(long session, long entry, boolean poll) implements Msg {
        @Override
        public boolean election() {
            return !poll;
        }
    }

    /** The answer: gone, first, or behind {@code predecessor}; {@code poll} as in the question. */
    record Where(long entry, Kind kind, long predecessor, boolean poll) implements Msg {
        enum Kind { GONE, FIRST, BEHIND }

        @Override
        public boolean election() {
            return !poll;
        }
    }

    /** Tell me once when this entry is deleted (at once if it is already gone); {@code poll} as above. */
    record Watch(long entry, boolean poll) implements Msg {
        @Override
        public boolean election() {
            return !poll;
        }
    }

    record Deleted(long entry) implements Msg {
    }

    /** owner node, expiry time, entry (or -1). */
    private final Map<Long, long[]> sessions = new TreeMap<>();
    private final TreeMap<Long, Long> entries = new TreeMap<>();
    private final Map<Long, Set<Integer>> watches = new TreeMap<>();
    private long sequence;

    @Override
    public void start(Context ctx) {
    }

    @Override
    public void crash() {
        throw new IllegalStateException("the registry stands for a healthy quorum and does not crash");
    }

    @Override
    public void onMessage(Context ctx, int from, Msg msg) {
        long now = ctx.now();
        if (msg instanceof Open o) {
            long session = ++sequence;
            sessions.put(session, new long[] {from, now + Recipe.TTL, -1});
            ctx.setTimer(Recipe.TTL, "expire:" + session);
            ctx.send(from, new Opened(o.req(), session));
        } else if (msg instanceof Renew r) {
            long[] s = sessions.get(r.session());
            if (s != null) {
                s[1] = now + Recipe.TTL;
                ctx.setTimer(Recipe.TTL, "expire:" + r.session());
            }
            ctx.send(from, new Renewed(r.req(), r.session(), s != null));
        } else if (msg instanceof Register r) {
            long[] s = sessions.get(r.session());
            if (s != null && s[2] < 0) {
                s[2] = ++sequence;
                entries.put(s[2], r.session());
            }
            ctx.send(from, new Registered(r.session(), s == null ? -1 : s[2]));
        } else if (msg instanceof Position p) {
            Long owner = entries.get(p.entry());
            if (owner == null || owner != p.session()) {
                ctx.send(from, new Where(p.entry(), Where.Kind.GONE, -1, p.poll()));
            } else {
                Long before = entries.lowerKey(p.entry());
                ctx.send(from, before == null ? new Where(p.entry(), Where.Kind.FIRST, -1, p.poll())
                        : new Where(p.entry(), Where.Kind.BEHIND, before, p.poll()));
            }
        } else if (msg instanceof Watch w) {
            if (entries.containsKey(w.entry())) {
                watches.computeIfAbsent(w.entry(), k -> new TreeSet<>()).add(from);   // a repeated watch is one watch
            } else {
                ctx.send(from, new Deleted(w.entry()));
            }
        } else {
            throw new IllegalArgumentException("registry: unexpected " + msg);
        }
    }

    @Override
    public void onTimer(Context ctx, String tag) {
        long session = Long.parseLong(tag.substring("expire:".length()));
        long[] s = sessions.get(session);
        if (s == null || ctx.now() < s[1]) {
            return;   // renewed since this timer was set
        }
        sessions.remove(session);
        sequence++;
        if (s[2] >= 0) {
            entries.remove(s[2]);
            Set<Integer> watchers = watches.remove(s[2]);
            if (watchers != null) {
                for (int w : watchers) {
                    ctx.send(w, new Deleted(s[2]));
                }
            }
        }
    }
}
