package dev.elector.raft;

import dev.elector.raft.Wire.Change;
import dev.elector.raft.Wire.Feed;
import dev.elector.raft.Wire.Place;
import dev.elector.raft.Wire.Reply;
import dev.elector.raft.Wire.Status;
import dev.elector.raft.Wire.Stored;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The replicated state: sessions, and per election the entries ordered by the log index that created them.
 * A pure function of the commands applied in log order, so that every node holds the same state; it reads
 * no clock. Not thread-safe: the state machine guards it.
 *
 * <p>It also keeps the recent changes, in log order, for the watches' feed. They are derived from the log
 * too, but a node keeps only the last {@link #CHANGES_KEPT}, and none from before a snapshot it loaded: a
 * cursor older than that gets a reset.
 */
final class RegistryState {
    static final int CHANGES_KEPT = 100_000;

    /** A session: its TTL and the log index of its last renewal (its open, at first). */
    record Session(long id, long ttlMillis, long lastRenewIndex) {
    }

    private final Map<Long, Session> sessions = new LinkedHashMap<>();
    private final Map<String, NavigableMap<Long, Stored>> elections = new TreeMap<>();
    /** Per session, the nonces of registers withdrawn: a register that arrives after its withdrawal is refused. */
    private final Map<Long, java.util.Set<Long>> withdrawn = new HashMap<>();
    /** Per session, its entries' indices and elections. */
    private final Map<Long, Map<Long, String>> entriesOfSession = new HashMap<>();
    private final ArrayDeque<Change> changes = new ArrayDeque<>();
    private long lastIndex;
    /** The feed holds every change after this index. */
    private long feedFrom;

    /**
     * Applies one committed command.
     *
     * @param index its log index
     * @param command the command
     * @return the reply to its sender
     */
    Reply apply(long index, Wire.Command command) {
        lastIndex = index;
        if (command instanceof Wire.Open open) {
            sessions.put(index, new Session(index, open.ttlMillis(), index));
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Renew renew) {
            Session s = sessions.get(renew.session());
            if (s == null) {
                return new Reply(Status.NO_SESSION, 0);
            }
            sessions.put(s.id(), new Session(s.id(), s.ttlMillis(), index));
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Register register) {
            if (!sessions.containsKey(register.session())) {
                return new Reply(Status.NO_SESSION, 0);
            }
            if (withdrawn.getOrDefault(register.session(), java.util.Set.of()).contains(register.nonce())) {
                return new Reply(Status.REFUSED, index, "this register was withdrawn before it arrived");
            }
            elections.computeIfAbsent(register.election(), e -> new TreeMap<>()).put(index, new Stored(index, register.session(), register.value(), register.nonce()));
            entriesOfSession.computeIfAbsent(register.session(), s -> new LinkedHashMap<>()).put(index, register.election());
            record(new Change(index, Change.Kind.ADDED, register.election(), index));
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Delete delete) {
            Stored stored = entry(delete.election(), delete.entry());
            if (stored != null && stored.session() == delete.session()) {
                remove(index, delete.election(), delete.entry());
            }
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Withdraw withdraw) {
            NavigableMap<Long, Stored> queue = elections.get(withdraw.election());
            Stored added = queue == null ? null : queue.values().stream()
                    .filter(s -> s.session() == withdraw.session() && s.nonce() == withdraw.nonce()).findFirst().orElse(null);
            if (added != null) {
                remove(index, withdraw.election(), added.index());
            } else if (sessions.containsKey(withdraw.session())) {
                // The register may still be on its way, from a client that gave up on it: refuse it when it comes.
                withdrawn.computeIfAbsent(withdraw.session(), k -> new java.util.HashSet<>()).add(withdraw.nonce());
            }
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Refuse refuse) {
            return new Reply(Status.REFUSED, index, refuse.reason());
        }
        if (command instanceof Wire.Close close) {
            end(index, close.session());
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Expire expire) {
            Session s = sessions.get(expire.session());
            // A renewal committed after the leader decided makes its decision void.
            if (s != null && s.lastRenewIndex() == expire.lastRenewIndex()) {
                end(index, s.id());
            }
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Remove remove) {
            if (entry(remove.election(), remove.entry()) != null) {
                remove(index, remove.election(), remove.entry());
            }
            return new Reply(Status.OK, index);
        }
        throw new IllegalArgumentException("not a command: " + command);
    }

    Place position(Wire.PositionOf query) {
        NavigableMap<Long, Stored> queue = elections.get(query.election());
        Stored self = queue == null ? null : queue.get(query.entry());
        if (self == null || self.session() != query.session()) {
            return new Place(0, 0);
        }
        Long before = queue.lowerKey(query.entry());
        return before == null ? new Place(1, 0) : new Place(2, before);
    }

    boolean exists(Wire.Exists query) {
        return entry(query.election(), query.entry()) != null;
    }

    List<Stored> entries(String election) {
        NavigableMap<Long, Stored> queue = elections.get(election);
        return queue == null ? List.of() : List.copyOf(queue.values());
    }

    /** The changes after {@code after} under {@code prefix} (session ends always), or a reset. */
    Feed changes(long after, String prefix) {
        if (after < feedFrom) {
            return new Feed(true, lastIndex, List.of());
        }
        List<Change> found = new ArrayList<>();
        for (var it = changes.descendingIterator(); it.hasNext(); ) {
            Change c = it.next();
            if (c.index() <= after) {
                break;
            }
            if (c.kind() == Change.Kind.SESSION_ENDED || c.election().startsWith(prefix)) {
                found.add(c);
            }
        }
        java.util.Collections.reverse(found);
        return new Feed(false, lastIndex, found);
    }

    List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    long lastIndex() {
        return lastIndex;
    }

    private Stored entry(String election, long entry) {
        NavigableMap<Long, Stored> queue = elections.get(election);
        return queue == null ? null : queue.get(entry);
    }

    private void remove(long index, String election, long entry) {
        NavigableMap<Long, Stored> queue = elections.get(election);
        Stored stored = queue.remove(entry);
        if (queue.isEmpty()) {
            elections.remove(election);
        }
        Map<Long, String> own = entriesOfSession.get(stored.session());
        if (own != null) {
            own.remove(entry);
        }
        record(new Change(index, Change.Kind.REMOVED, election, entry));
    }

    private void end(long index, long session) {
        if (sessions.remove(session) == null) {
            return;
        }
        withdrawn.remove(session);
        Map<Long, String> own = entriesOfSession.remove(session);
        if (own != null) {
            own.forEach((entry, election) -> {
                NavigableMap<Long, Stored> queue = elections.get(election);
                queue.remove(entry);
                if (queue.isEmpty()) {
                    elections.remove(election);
                }
                record(new Change(index, Change.Kind.REMOVED, election, entry));
            });
        }
        record(new Change(index, Change.Kind.SESSION_ENDED, "", session));
    }

    private void record(Change change) {
        changes.addLast(change);
        if (changes.size() > CHANGES_KEPT) {
            feedFrom = changes.removeFirst().index();
        }
    }

    /** The state as bytes, for a snapshot; the feed is not in it. */
    byte[] snapshot() {
        return Wire.write(out -> {
            out.writeLong(lastIndex);
            out.writeInt(sessions.size());
            for (Session s : sessions.values()) {
                out.writeLong(s.id());
                out.writeLong(s.ttlMillis());
                out.writeLong(s.lastRenewIndex());
            }
            out.writeInt(withdrawn.size());
            for (Map.Entry<Long, java.util.Set<Long>> w : withdrawn.entrySet()) {
                out.writeLong(w.getKey());
                out.writeInt(w.getValue().size());
                for (long nonce : w.getValue()) {
                    out.writeLong(nonce);
                }
            }
            out.writeInt(elections.values().stream().mapToInt(Map::size).sum());
            for (Map.Entry<String, NavigableMap<Long, Stored>> queue : elections.entrySet()) {
                for (Stored stored : queue.getValue().values()) {
                    out.writeUTF(queue.getKey());
                    out.writeLong(stored.index());
                    out.writeLong(stored.session());
                    out.writeUTF(stored.value());
                    out.writeLong(stored.nonce());
                }
            }
        });
    }

    /** Replaces the state with a snapshot's; the feed starts after it. */
    void restore(DataInputStream in) throws IOException {
        sessions.clear();
        elections.clear();
        entriesOfSession.clear();
        changes.clear();
        lastIndex = in.readLong();
        feedFrom = lastIndex;
        for (int n = in.readInt(); n > 0; n--) {
            Session s = new Session(in.readLong(), in.readLong(), in.readLong());
            sessions.put(s.id(), s);
        }
        withdrawn.clear();
        for (int n = in.readInt(); n > 0; n--) {
            java.util.Set<Long> nonces = new java.util.HashSet<>();
            long session = in.readLong();
            for (int m = in.readInt(); m > 0; m--) {
                nonces.add(in.readLong());
            }
            withdrawn.put(session, nonces);
        }
        for (int n = in.readInt(); n > 0; n--) {
            String election = in.readUTF();
            Stored stored = new Stored(in.readLong(), in.readLong(), in.readUTF(), in.readLong());
            elections.computeIfAbsent(election, e -> new TreeMap<>()).put(stored.index(), stored);
            entriesOfSession.computeIfAbsent(stored.session(), s -> new LinkedHashMap<>()).put(stored.index(), election);
        }
    }
}
