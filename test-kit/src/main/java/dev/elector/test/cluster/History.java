package dev.elector.test.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What participants report about their terms and writes, with the fenced resource they write to, and
 * the checks run over it: no two believed-leader intervals overlap, tokens only increase, and the
 * resource let no write in with a token below one it had already seen. Times are {@code System.nanoTime()}
 * readings, which are comparable across the processes of one Linux host. Thread-safe.
 */
public final class History {
    /**
     * One term as its leader believed it: from its election until its revocation, its validity deadline,
     * or its process's death, whichever came first.
     *
     * @param id the participant
     * @param token the term's fencing token
     * @param start when it was elected
     * @param end when its belief ended, {@link Long#MAX_VALUE} while it lasts
     */
    public record Term(String id, long token, long start, long end) {
    }

    private final List<Term> terms = new ArrayList<>();
    /** What the resource saw, in order: a token announced by a new leader, or an accepted write (negated). */
    private final List<Long> resourceLog = new ArrayList<>();
    private long highestToken = Long.MIN_VALUE;
    private int accepted;
    private int rejected;

    /**
     * A participant was elected. Announcing the token to the resource is a new leader's first act: from
     * then on, no write with an older token gets through.
     *
     * @param id the participant
     * @param token the term's token
     * @param at when
     */
    public synchronized void elected(String id, long token, long at) {
        terms.add(new Term(id, token, at, Long.MAX_VALUE));
        highestToken = Math.max(highestToken, token);
        resourceLog.add(token);
    }

    /**
     * A term ended, as its leader reported.
     *
     * @param id the participant
     * @param token the term's token
     * @param end when its belief ended: the earlier of the revocation and the term's deadline
     */
    public synchronized void ended(String id, long token, long end) {
        for (int i = 0; i < terms.size(); i++) {
            Term t = terms.get(i);
            if (t.id().equals(id) && t.token() == token && t.end() == Long.MAX_VALUE) {
                terms.set(i, new Term(id, token, t.start(), Math.max(end, t.start())));
            }
        }
    }

    /**
     * A participant's process died: whatever it believed ended then.
     *
     * @param id the participant
     * @param at when
     */
    public synchronized void died(String id, long at) {
        for (Term t : List.copyOf(terms)) {
            if (t.id().equals(id) && t.end() == Long.MAX_VALUE) {
                ended(id, t.token(), at);
            }
        }
    }

    /**
     * A write reached the fenced resource.
     *
     * @param token the writer's token
     * @return whether the resource accepted it
     */
    public synchronized boolean write(long token) {
        if (token >= highestToken) {
            highestToken = token;
            accepted++;
            resourceLog.add(-token);
            return true;
        }
        rejected++;
        return false;
    }

    /**
     * The highest token the resource has seen.
     *
     * @return the token, {@link Long#MIN_VALUE} before any
     */
    public synchronized long highestToken() {
        return highestToken;
    }

    /**
     * The participant whose term has not ended, the latest if several.
     *
     * @return its id, or empty if no term is open
     */
    public synchronized Optional<String> leader() {
        return terms.stream().filter(t -> t.end() == Long.MAX_VALUE).map(Term::id).reduce((a, b) -> b);
    }

    /**
     * Every term so far, in election order.
     *
     * @return a copy of the terms
     */
    public synchronized List<Term> terms() {
        return List.copyOf(terms);
    }

    /**
     * Writes the resource accepted.
     *
     * @return the count
     */
    public synchronized int accepted() {
        return accepted;
    }

    /**
     * Writes the resource rejected as stale.
     *
     * @return the count
     */
    public synchronized int rejected() {
        return rejected;
    }

    /**
     * The longest time two terms were both believed, with open terms ending at {@code now}.
     *
     * @param now a {@code System.nanoTime()} reading
     * @return the overlap in nanoseconds, 0 if none
     */
    public synchronized long maxOverlapNanos(long now) {
        long max = 0;
        for (int i = 0; i < terms.size(); i++) {
            for (int j = i + 1; j < terms.size(); j++) {
                Term a = terms.get(i);
                Term b = terms.get(j);
                max = Math.max(max, Math.min(Math.min(a.end(), now), Math.min(b.end(), now)) - Math.max(a.start(), b.start()));
            }
        }
        return max;
    }

    /**
     * Whether each term's token is greater than every earlier term's.
     *
     * @return true if the tokens strictly increase in election order
     */
    public synchronized boolean tokensIncreasing() {
        for (int i = 1; i < terms.size(); i++) {
            if (terms.get(i).token() <= terms.get(i - 1).token()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Audits the resource's log on its own: each accepted write below a token seen before it is a stale write let through.
     *
     * @return the stale writes accepted, 0 if none
     */
    public synchronized int staleWritesAccepted() {
        long seen = Long.MIN_VALUE;
        int stale = 0;
        for (long entry : resourceLog) {
            long token = Math.abs(entry);
            if (entry < 0 && token < seen) {
                stale++;
            }
            seen = Math.max(seen, token);
        }
        return stale;
    }
}
