package dev.elector.patterns;

import java.util.Map;
import java.util.TreeMap;

/**
 * Elector's own algorithm, the lowest-entry recipe, as a client of the {@link Registry}: open a session,
 * register one entry, and if it is not first, watch only its predecessor. When the predecessor is deleted,
 * read our own position again, and claim only if our entry is still there and first. The claim holds only
 * until (send time of the last acknowledged renewal) + {@link #TTL} - {@link #MARGIN} on our own clock.
 *
 * <p>Why that is safe: the registry expires the session no sooner than TTL after it received that renewal,
 * which is after we sent it; our clock may run up to 1 % slow, so MARGIN must be at least 1 % of TTL (it is
 * 10 %). Nobody else can be first before our entry is gone, and it goes only with the session. The token
 * is the entry's number in the registry's sequence.
 */
final class Recipe implements Handler {
    static final long MS = 1_000_000L;
    static final long TTL = 2_000 * MS;
    static final long RENEW_EVERY = TTL / 4;
    static final long MARGIN = TTL / 10;
    /** Lost requests are retried, and the position re-read, this often: the network here can lose a watch. */
    static final long POLL = 1_000 * MS;

    private final long margin;
    private long req;
    private long session = -1;
    private long entry = -1;
    private boolean leading;
    private boolean lapsed;
    private long lastAck;
    private final Map<Long, Long> sent = new TreeMap<>();
    private Context.Timer deadlineTimer;

    Recipe() {
        this(MARGIN);
    }

    /** With another safety margin: only tests use it, to show the checker catching a margin below the bound. */
    Recipe(long margin) {
        this.margin = margin;
    }

    @Override
    public void start(Context ctx) {
        open(ctx);
        ctx.setTimer(RENEW_EVERY, "renew");
        ctx.setTimer(POLL, "poll");
    }

    @Override
    public void crash() {
        session = -1;
        entry = -1;
        leading = false;
        lapsed = false;
        sent.clear();
        deadlineTimer = null;
    }

    private void open(Context ctx) {
        sent.put(++req, ctx.now());
        ctx.send(ctx.nodes(), new Registry.Open(req));
    }

    private long deadline() {
        return lastAck + TTL - margin;
    }

    /** The session is gone: stop leading at once and join again with a new session and entry. */
    private void lost(Context ctx) {
        stopLeading(ctx);
        session = -1;
        entry = -1;
        lapsed = false;
        open(ctx);
    }

    private void stopLeading(Context ctx) {
        if (leading) {
            leading = false;
            ctx.unlead();
        }
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
        }
    }

    private void acknowledged(Context ctx, long sendTime) {
        lastAck = Math.max(lastAck, sendTime);
        if (leading) {
            ctx.lead(entry, deadline());
            deadlineTimer.cancel();
            deadlineTimer = ctx.setTimer(deadline() - ctx.now(), "deadline");
        }
    }

    @Override
    public void onMessage(Context ctx, int from, Msg msg) {
        int registry = ctx.nodes();
        if (msg instanceof Registry.Opened o) {
            Long at = sent.remove(o.req());
            if (session >= 0 || at == null) {
                return;   // a retry's second session: it has no entry and expires on its own
            }
            session = o.session();
            lastAck = at;   // opening counts as the first renewal
            ctx.send(registry, new Registry.Register(session));
        } else if (msg instanceof Registry.Renewed r) {
            Long at = sent.remove(r.req());
            if (r.session() != session || at == null) {
                return;
            }
            if (!r.ok()) {
                lost(ctx);
                return;
            }
            acknowledged(ctx, at);
            if (lapsed && entry >= 0) {
                lapsed = false;   // the session lives; re-read before claiming again
                ctx.send(registry, new Registry.Position(session, entry, false));
            }
        } else if (msg instanceof Registry.Registered r) {
            if (r.session() != session || entry >= 0) {
                return;
            }
            if (r.entry() < 0) {
                lost(ctx);
                return;
            }
            entry = r.entry();
            ctx.send(registry, new Registry.Position(session, entry, false));
        } else if (msg instanceof Registry.Where w) {
            if (w.entry() != entry) {
                return;
            }
            switch (w.kind()) {
                case GONE -> lost(ctx);
                case BEHIND -> ctx.send(registry, new Registry.Watch(w.predecessor(), w.poll()));
                case FIRST -> {
                    if (!leading && ctx.now() < deadline()) {
                        leading = true;
                        ctx.lead(entry, deadline());
                        deadlineTimer = ctx.setTimer(deadline() - ctx.now(), "deadline");
                    }
                }
            }
        } else if (msg instanceof Registry.Deleted d) {
            if (entry >= 0 && !leading) {
                ctx.send(registry, new Registry.Position(session, entry, false));   // re-read, never assume
            }
        } else {
            throw new IllegalArgumentException("recipe: unexpected " + msg);
        }
    }

    @Override
    public void onTimer(Context ctx, String tag) {
        int registry = ctx.nodes();
        switch (tag) {
            case "renew" -> {
                if (session >= 0) {
                    sent.put(++req, ctx.now());
                    ctx.send(registry, new Registry.Renew(req, session));
                }
                // Requests older than a TTL can no longer help the deadline; forget them.
                sent.values().removeIf(t -> ctx.now() - t > 2 * TTL);
                ctx.setTimer(RENEW_EVERY, "renew");
            }
            case "deadline" -> {
                if (leading && ctx.now() >= deadline()) {
                    stopLeading(ctx);
                    lapsed = true;
                }
            }
            case "poll" -> {
                if (session < 0) {
                    open(ctx);
                } else if (entry < 0) {
                    ctx.send(registry, new Registry.Register(session));
                } else if (!leading) {
                    ctx.send(registry, new Registry.Position(session, entry, true));
                }
                ctx.setTimer(POLL, "poll");
            }
            default -> throw new IllegalArgumentException("recipe: unexpected timer " + tag);
        }
    }
}
