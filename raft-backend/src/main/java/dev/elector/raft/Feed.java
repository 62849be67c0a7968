package dev.elector.raft;

import dev.elector.raft.Wire.Change;
import dev.elector.spi.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator's watches, and the one thread that follows the registry's feed of changes, in log order,
 * and runs the watches they concern. The feed is a query the node holds until something changes, so a
 * change reaches its watches one round trip after it is applied, and nothing is read on a timer.
 */
final class Feed {
    private static final Logger log = LoggerFactory.getLogger(Feed.class);

    private final Map<Long, List<Pending>> entryWatches = new ConcurrentHashMap<>();
    private final Map<String, List<Pending>> electionWatches = new ConcurrentHashMap<>();
    private final LongFunction<CompletableFuture<Wire.Feed>> query;
    private final LongConsumer sessionEnded;
    private final Duration wait;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread follower;
    /** The log index up to which the feed has been read; the follower's alone once started. */
    private volatile long cursor;
    private volatile boolean closed;

    /**
     * A watch's callback, run at most once, and never once {@link #cancel} has returned: the two hold the
     * same lock, so a cancel waits for a callback already running (callbacks must not block).
     */
    private static final class Pending {
        private final Runnable action;
        private boolean done;

        Pending(Runnable action) {
            this.action = action;
        }

        synchronized void fire() {
            if (!done) {
                done = true;
                action.run();
            }
        }

        synchronized void cancel() {
            done = true;
        }
    }

    /**
     * @param query the changes after a cursor, held by the node until there is one
     * @param sessionEnded told of every session the feed reports ended
     * @param wait how long one held query may take before it is made again
     */
    Feed(LongFunction<CompletableFuture<Wire.Feed>> query, LongConsumer sessionEnded, Duration wait) {
        this.query = query;
        this.sessionEnded = sessionEnded;
        this.wait = wait;
        this.follower = new Thread(this::follow, "elector-raft-watches");
        this.follower.setDaemon(true);
    }

    /** Follows the changes after {@code from}: a watch left after that index hears of every later change. */
    void start(long from) {
        cursor = from;
        follower.start();
    }

    /** A one-shot watch on an entry, left before the read that checks the entry exists. */
    Watch watchEntry(long entry, Runnable onChange) {
        return watch(entryWatches, entry, onChange);
    }

    /** A one-shot watch on the set of an election's entries. */
    Watch watchElection(String election, Runnable onChange) {
        return watch(electionWatches, election, onChange);
    }

    private static <K> Watch watch(Map<K, List<Pending>> watches, K key, Runnable onChange) {
        Pending pending = new Pending(onChange);
        add(watches, key, pending);
        return () -> {
            pending.cancel();
            remove(watches, key, pending);
        };
    }

    private void follow() {
        while (!closed) {
            try {
                Wire.Feed feed = query.apply(cursor).get(wait.toMillis(), TimeUnit.MILLISECONDS);
                if (feed.reset()) {
                    log.info("The Raft node no longer holds changes from index {}; every watch fires and reads again", cursor);
                    fireAll(entryWatches);
                    fireAll(electionWatches);
                } else {
                    feed.changes().forEach(this::dispatch);
                }
                cursor = Math.max(cursor, feed.upTo());
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.debug("Following the Raft registry failed; trying again: {}", e.toString());
                try {
                    closing.await(200, TimeUnit.MILLISECONDS); // a pause before the next try, cut short by close
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void dispatch(Change change) {
        switch (change.kind()) {
            case ADDED -> fire(electionWatches.remove(change.election()));
            case REMOVED -> {
                fire(entryWatches.remove(change.subject()));
                fire(electionWatches.remove(change.election()));
            }
            case SESSION_ENDED -> sessionEnded.accept(change.subject());
        }
    }

    /** Stops following, within {@code limit}; watches left fire no more. */
    void close(Duration limit) {
        closed = true;
        closing.countDown();
        follower.interrupt();
        try {
            follower.join(limit.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <K> void add(Map<K, List<Pending>> watches, K key, Pending pending) {
        watches.compute(key, (k, list) -> {
            List<Pending> updated = list == null ? new ArrayList<>() : list;
            updated.add(pending);
            return updated;
        });
    }

    private static <K> void remove(Map<K, List<Pending>> watches, K key, Pending pending) {
        watches.computeIfPresent(key, (k, list) -> {
            list.remove(pending);
            return list.isEmpty() ? null : list;
        });
    }

    private static void fire(List<Pending> fired) {
        if (fired != null) {
            fired.forEach(Pending::fire);
        }
    }

    private static <K> void fireAll(Map<K, List<Pending>> watches) {
        for (K key : List.copyOf(watches.keySet())) {
            fire(watches.remove(key));
        }
    }
}
