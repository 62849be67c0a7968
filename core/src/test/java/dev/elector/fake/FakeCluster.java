package dev.elector.fake;

import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.Watch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * An in-memory ordered registry for unit tests of the state machine: entries ordered by a global
 * revision, bound to sessions, with one-shot watches. Answers and notifications go out on one thread of
 * the cluster's own, in the order the cluster made them, as a real server's do on one connection. It
 * stands beside the real-cluster tests, never instead of them.
 */
public final class FakeCluster {
    private static final Map<String, FakeCluster> CLUSTERS = new ConcurrentHashMap<>();

    private final Map<String, TreeMap<Long, Entry>> elections = new HashMap<>();
    private final Map<String, List<Runnable>> watches = new HashMap<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-cluster-notifier");
        t.setDaemon(true);
        return t;
    });
    private long revision;
    private long sessions;
    private long delivered;
    private long positionReads;

    /** The cluster a {@code fake://name} URI connects to, created on first use. */
    public static FakeCluster named(String name) {
        return CLUSTERS.computeIfAbsent(name, n -> new FakeCluster());
    }

    synchronized long newSession() {
        return ++sessions;
    }

    /** Runs {@code op} under the cluster's lock and answers on its notifying thread. */
    <T> CompletableFuture<T> answer(Supplier<T> op) {
        T result;
        synchronized (this) {
            result = op.get();
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        notifier.execute(() -> answer.complete(result));
        return answer;
    }

    Entry register(String election, long owner, String id, String metadata) {
        long rev = ++revision;
        Entry entry = new Entry(election, "e-" + rev, rev, rev, owner, id, metadata);
        elections.computeIfAbsent(election, e -> new TreeMap<>()).put(rev, entry);
        fire("children:" + election);
        return entry;
    }

    Position position(Entry self) {
        positionReads++;
        TreeMap<Long, Entry> queue = elections.getOrDefault(self.election(), new TreeMap<>());
        Entry current = queue.get(self.order());
        if (current == null || !current.key().equals(self.key()) || current.owner() != self.owner()) {
            return Position.GONE;
        }
        Map.Entry<Long, Entry> before = queue.lowerEntry(self.order());
        return before == null ? Position.FIRST : new Position.Behind(before.getValue().ref());
    }

    Optional<Watch> watch(EntryRef entry, Runnable onChange) {
        Entry current = elections.getOrDefault(entry.election(), new TreeMap<>()).get(entry.order());
        if (current == null) {
            return Optional.empty();
        }
        String key = "entry:" + entry.key();
        Runnable one = onChange::run; // its own identity, so cancelling it leaves equal callbacks
        watches.computeIfAbsent(key, k -> new ArrayList<>()).add(one);
        return Optional.of(() -> {
            synchronized (FakeCluster.this) {
                List<Runnable> left = watches.get(key);
                if (left != null) {
                    left.remove(one);
                }
            }
        });
    }

    /** Watch notifications sent so far, as a server would count them. */
    public synchronized long notificationsDelivered() {
        return delivered;
    }

    /** Position reads served so far: a candidate reads its position before every claim. */
    public synchronized long positionReads() {
        return positionReads;
    }

    /** How many watches wait on an entry; the state-machine tests check what a resign leaves behind. */
    public synchronized int watchesOn(Entry entry) {
        return watches.getOrDefault("entry:" + entry.key(), List.of()).size();
    }

    List<Entry> entries(String election, Runnable onChange) {
        if (onChange != null) {
            watches.computeIfAbsent("children:" + election, k -> new ArrayList<>()).add(onChange);
        }
        return new ArrayList<>(elections.getOrDefault(election, new TreeMap<>()).values());
    }

    /** Deletes an entry, as an operator would, or as its owner does. */
    public synchronized void delete(Entry entry) {
        TreeMap<Long, Entry> queue = elections.get(entry.election());
        if (queue != null && queue.remove(entry.order()) != null) {
            fire("entry:" + entry.key());
            fire("children:" + entry.election());
        }
    }

    /** Expires a session: every entry bound to it goes, as on a server. */
    public synchronized void expire(long owner) {
        for (TreeMap<Long, Entry> queue : elections.values()) {
            for (Entry entry : new ArrayList<>(queue.values())) {
                if (entry.owner() == owner) {
                    delete(entry);
                }
            }
        }
    }

    /** The entries of an election, head first. */
    public synchronized List<Entry> queue(String election) {
        return entries(election, null);
    }

    private void fire(String key) {
        List<Runnable> fired = watches.remove(key);
        if (fired != null) {
            for (Runnable r : fired) {
                delivered++;
                notifier.execute(r);
            }
        }
    }
}
