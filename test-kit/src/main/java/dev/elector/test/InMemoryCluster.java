package dev.elector.test;

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
 * An in-memory ordered registry, what {@code mem://} connects to: entries ordered by a global revision
 * (the fencing token), bound to sessions, with one-shot watches. Sessions never expire by themselves;
 * a test expires them, deletes entries or refuses renewals when it wants ({@link TestCluster}). Answers and notifications go out on one thread of
 * the cluster's own, in the order the cluster made them, as a real server's do on one connection. It
 * stands beside the real-cluster tests, never instead of them.
 */
public final class InMemoryCluster {
    private static final Map<String, InMemoryCluster> CLUSTERS = new ConcurrentHashMap<>();

    private final Map<String, TreeMap<Long, Entry>> elections = new HashMap<>();
    private final Map<String, List<Runnable>> watches = new HashMap<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mem-cluster-notifier");
        t.setDaemon(true);
        return t;
    });
    private long revision;
    private long sessions;
    private long delivered;
    private long positionReads;

    /**
     * The registry a {@code mem://name/namespace} URI connects to, created on first use.
     *
     * @param name the URI's host
     * @param namespace the URI's namespace, as {@link dev.elector.Coordinator#connect} reads it
     * @return the registry
     */
    public static InMemoryCluster named(String name, String namespace) {
        return CLUSTERS.computeIfAbsent(name + "/" + namespace, n -> new InMemoryCluster());
    }

    /**
     * The session's backend of a participant's entry in an election.
     *
     * @throws IllegalArgumentException naming the participant if it has no entry there
     */
    InMemoryBackend sessionOf(String election, String participantId) {
        return owner(entryOf(election, participantId));
    }

    /** @throws IllegalArgumentException naming the participant if it has no entry in the election */
    synchronized Entry entryOf(String election, String participantId) {
        return queue(election).stream().filter(e -> e.participantId().equals(participantId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + participantId + "' has no entry in '" + election + "'; the queue is "
                        + queue(election).stream().map(Entry::participantId).toList()));
    }

    /**
     * Refuses, or answers again, the renewals of the session that owns {@code entry}: its leaders step
     * down at their deadline while the session stays, as when a server's answers are lost.
     *
     * @param entry an entry of the session
     * @param refused whether to refuse from now on
     */
    public void refuseRenewals(Entry entry, boolean refused) {
        owner(entry).blockRenewals(refused);
    }

    /**
     * Expires the session that owns {@code entry}, with all its entries; its coordinator opens a new one.
     *
     * @param entry an entry of the session
     */
    public void expireSession(Entry entry) {
        owner(entry).expireSession();
    }

    private static InMemoryBackend owner(Entry entry) {
        InMemoryBackend backend = InMemoryBackend.owning(entry);
        if (backend == null) {
            throw new IllegalStateException("the session of " + entry.participantId() + "'s entry is closed");
        }
        return backend;
    }

    /** Forgets a registry once its test is done. */
    static void forget(String name, String namespace) {
        CLUSTERS.remove(name + "/" + namespace);
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
            synchronized (InMemoryCluster.this) {
                List<Runnable> left = watches.get(key);
                if (left != null) {
                    left.remove(one);
                }
            }
        });
    }

    /**
     * Watch notifications sent so far, as a server would count them.
     *
     * @return the count
     */
    public synchronized long notificationsDelivered() {
        return delivered;
    }

    /**
     * Position reads served so far: a candidate reads its position before every claim.
     *
     * @return the count
     */
    public synchronized long positionReads() {
        return positionReads;
    }

    /**
     * How many watches wait on an entry; the state-machine tests check what a resign leaves behind.
     *
     * @param entry the watched entry
     * @return the count, 0 if none
     */
    public synchronized int watchesOn(Entry entry) {
        return watches.getOrDefault("entry:" + entry.key(), List.of()).size();
    }

    List<Entry> entries(String election, Runnable onChange) {
        if (onChange != null) {
            watches.computeIfAbsent("children:" + election, k -> new ArrayList<>()).add(onChange);
        }
        return new ArrayList<>(elections.getOrDefault(election, new TreeMap<>()).values());
    }

    /**
     * Deletes an entry, as an operator would, or as its owner does; its watches fire. An entry already gone
     * is left alone.
     *
     * @param entry the entry
     */
    public synchronized void delete(Entry entry) {
        TreeMap<Long, Entry> queue = elections.get(entry.election());
        if (queue != null && queue.remove(entry.order()) != null) {
            fire("entry:" + entry.key());
            fire("children:" + entry.election());
        }
    }

    /**
     * Expires a session: every entry bound to it goes, as on a server.
     *
     * @param owner the session's id, as {@link Entry#owner()} gives it
     */
    public synchronized void expire(long owner) {
        for (TreeMap<Long, Entry> queue : elections.values()) {
            for (Entry entry : new ArrayList<>(queue.values())) {
                if (entry.owner() == owner) {
                    delete(entry);
                }
            }
        }
    }

    /**
     * The entries of an election, head first.
     *
     * @param election the election's name
     * @return a copy of its entries, empty if none
     */
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
