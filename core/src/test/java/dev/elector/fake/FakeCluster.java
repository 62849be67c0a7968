package dev.elector.fake;

import dev.elector.spi.Change;
import dev.elector.spi.Entry;
import dev.elector.spi.Position;
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
    private final Map<String, List<Consumer<Change>>> entryWatches = new HashMap<>();
    private final Map<String, List<Runnable>> childWatches = new HashMap<>();
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

    synchronized Entry register(String election, long owner, String id, String metadata) {
        long rev = ++revision;
        Entry entry = new Entry(election, "e-" + rev, rev, rev, owner, id, metadata);
        elections.computeIfAbsent(election, e -> new TreeMap<>()).put(rev, entry);
        fireChildren(election);
        return entry;
    }

    synchronized Position position(Entry self) {
        positionReads++;
        TreeMap<Long, Entry> queue = elections.getOrDefault(self.election(), new TreeMap<>());
        Entry current = queue.get(self.order());
        Optional<Entry> predecessor = Optional.ofNullable(queue.lowerEntry(self.order())).map(Map.Entry::getValue);
        return new Position(current != null && current.key().equals(self.key()), predecessor,
                predecessor.isPresent() && queue.lowerKey(predecessor.get().order()) == null);
    }

    synchronized Optional<Entry> watch(Entry entry, Consumer<Change> onChange) {
        Entry current = elections.getOrDefault(entry.election(), new TreeMap<>()).get(entry.order());
        if (current != null && onChange != null) {
            entryWatches.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(onChange);
        }
        return Optional.ofNullable(current);
    }

    synchronized void unwatch(Entry entry, Consumer<Change> onChange) {
        List<Consumer<Change>> left = entryWatches.get(entry.key());
        if (left != null) {
            left.remove(onChange);
        }
    }

    /** Position reads served so far. */
    public synchronized long positionReads() {
        return positionReads;
    }

    /** Watch notifications sent so far, as a server would count them. */
    public synchronized long notificationsDelivered() {
        return delivered;
    }

    /** How many watches wait on an entry; the state-machine tests check what a resign leaves behind. */
    public synchronized int watchesOn(Entry entry) {
        return entryWatches.getOrDefault(entry.key(), List.of()).size();
    }

    synchronized List<Entry> entries(String election, Runnable onChange) {
        if (onChange != null) {
            childWatches.computeIfAbsent(election, k -> new ArrayList<>()).add(onChange);
        }
        return new ArrayList<>(elections.getOrDefault(election, new TreeMap<>()).values());
    }

    /** Deletes an entry, as its owner or as an operator would. */
    public synchronized void delete(Entry entry) {
        TreeMap<Long, Entry> queue = elections.get(entry.election());
        if (queue != null && queue.remove(entry.order()) != null) {
            List<Consumer<Change>> fired = entryWatches.remove(entry.key());
            if (fired != null) {
                fired.forEach(w -> deliver(() -> w.accept(Change.DELETED)));
            }
            fireChildren(entry.election());
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

    private void fireChildren(String election) {
        List<Runnable> fired = childWatches.remove(election);
        if (fired != null) {
            fired.forEach(this::deliver);
        }
    }

    private void deliver(Runnable notification) {
        delivered++;
        notifier.execute(notification);
    }
}
