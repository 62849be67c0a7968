package dev.elector.fake;

import dev.elector.spi.Change;
import dev.elector.spi.Entry;
import dev.elector.spi.Position;
import dev.elector.spi.Watch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * An in-memory ordered registry for unit tests of the state machine: entries ordered by a global
 * revision, bound to sessions, with one-shot watches delivered on a separate thread as a real server's
 * would be. It stands beside the real-cluster tests, never instead of them.
 */
public final class FakeCluster {
    private static final Map<String, FakeCluster> CLUSTERS = new ConcurrentHashMap<>();

    private final Map<String, TreeMap<Long, Entry>> elections = new HashMap<>();
    private final Map<String, List<Consumer<Change>>> watches = new HashMap<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-cluster-notifier");
        t.setDaemon(true);
        return t;
    });
    private long revision;
    private long sessions;
    private long delivered;
    private long positionReads;
    private final List<String> markedDeletions = new ArrayList<>();

    /** The cluster a {@code fake://name} URI connects to, created on first use. */
    public static FakeCluster named(String name) {
        return CLUSTERS.computeIfAbsent(name, n -> new FakeCluster());
    }

    synchronized long newSession() {
        return ++sessions;
    }

    synchronized Entry register(String election, long owner, String id, String metadata) {
        long rev = ++revision;
        Entry entry = new Entry(election, "e-" + rev, rev, rev, owner, id, metadata);
        elections.computeIfAbsent(election, e -> new TreeMap<>()).put(rev, entry);
        fire("children:" + election, Change.CHANGED);
        return entry;
    }

    synchronized Position position(Entry self) {
        positionReads++;
        TreeMap<Long, Entry> queue = elections.getOrDefault(self.election(), new TreeMap<>());
        Entry current = queue.get(self.order());
        return new Position(current != null && current.key().equals(self.key()),
                Optional.ofNullable(queue.lowerEntry(self.order())).map(Map.Entry::getValue));
    }

    synchronized Optional<Watch> watch(Entry entry, Consumer<Change> onChange) {
        Entry current = elections.getOrDefault(entry.election(), new TreeMap<>()).get(entry.order());
        if (current == null) {
            return Optional.empty();
        }
        String key = "entry:" + entry.key();
        Consumer<Change> one = onChange::accept; // its own identity, so cancelling it leaves equal callbacks
        watches.computeIfAbsent(key, k -> new ArrayList<>()).add(one);
        return Optional.of(Watch.of(current, () -> {
            synchronized (FakeCluster.this) {
                List<Consumer<Change>> left = watches.get(key);
                if (left != null) {
                    left.remove(one);
                }
            }
        }));
    }

    /** Watch notifications sent so far, as a server would count them. */
    public synchronized long notificationsDelivered() {
        return delivered;
    }

    /** Position reads served so far: a candidate reads its position before it claims, unless handed over. */
    public synchronized long positionReads() {
        return positionReads;
    }

    /** Whether the entry was deleted by its owner marked as a handover. */
    public synchronized boolean deletedAsHandover(Entry entry) {
        return markedDeletions.contains(entry.key());
    }

    /** How many watches wait on an entry; the state-machine tests check what a resign leaves behind. */
    public synchronized int watchesOn(Entry entry) {
        return watches.getOrDefault("entry:" + entry.key(), List.of()).size();
    }

    synchronized List<Entry> entries(String election, Runnable onChange) {
        if (onChange != null) {
            watches.computeIfAbsent("children:" + election, k -> new ArrayList<>()).add(change -> onChange.run());
        }
        return new ArrayList<>(elections.getOrDefault(election, new TreeMap<>()).values());
    }

    /** Deletes an entry, as an operator would. */
    public void delete(Entry entry) {
        delete(entry, false);
    }

    /** Deletes an entry, marked as a handover if {@code handOver}, as its owner does. */
    synchronized void delete(Entry entry, boolean handOver) {
        TreeMap<Long, Entry> queue = elections.get(entry.election());
        if (queue != null && queue.remove(entry.order()) != null) {
            if (handOver) {
                markedDeletions.add(entry.key());
            }
            fire("entry:" + entry.key(), handOver ? Change.HANDED_OVER : Change.CHANGED);
            fire("children:" + entry.election(), Change.CHANGED);
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

    private void fire(String key, Change change) {
        List<Consumer<Change>> fired = watches.remove(key);
        if (fired != null) {
            for (Consumer<Change> c : fired) {
                delivered++;
                notifier.execute(() -> c.accept(change));
            }
        }
    }
}
