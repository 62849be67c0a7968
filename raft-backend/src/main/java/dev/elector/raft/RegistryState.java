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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated state: sessions, and per election the entries ordered by the log index that created them.
 * A pure function of the commands applied in log order, so that every node holds the same state and
 * answers alike; it reads no clock, and iterates only ordered maps. Not thread-safe: the state machine
 * guards it.
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

    /** What a session owns: its entries by index, the same by the nonce of their register, and the nonces withdrawn. */
    private static final class Owned {
        final NavigableMap<Long, String> electionOf = new TreeMap<>();
        final Map<Long, Long> indexOfNonce = new HashMap<>();
        final TreeSet<Long> withdrawn = new TreeSet<>();
    }

    private final Map<Long, Session> sessions = new LinkedHashMap<>();
    private final Map<Long, Owned> owned = new HashMap<>();
    private final Map<String, NavigableMap<Long, Stored>> elections = new TreeMap<>();
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
            owned.put(index, new Owned());
            return new Reply(Status.OK, index);
        }
        if (command instanceof Wire.Refuse refuse) {
            return new Reply(Status.REFUSED, index, refuse.reason());
        }
        if (command instanceof Wire.Remove remove) {
            Stored stored = entry(remove.election(), remove.entry());
            if (stored != null) {
                remove(index, remove.election(), stored);
            }
            return new Reply(Status.OK, index);
        }
        long id = session(command);
        Session session = sessions.get(id);
        if (session == null) {
            return new Reply(Status.NO_SESSION, 0);
        }
        Owned own = owned.get(id);
        if (command instanceof Wire.Renew) {
            sessions.put(id, new Session(id, session.ttlMillis(), index));
        } else if (command instanceof Wire.Register register) {
            Long earlier = own.indexOfNonce.get(register.nonce());
            if (earlier != null) {
                return new Reply(Status.OK, earlier); // a retried register: the entry its first attempt added
            }
            if (own.withdrawn.contains(register.nonce())) {
                return new Reply(Status.REFUSED, index, "this register was withdrawn before it arrived");
            }
            elections.computeIfAbsent(register.election(), e -> new TreeMap<>()).put(index, new Stored(index, id, register.value(), register.nonce()));
            own.electionOf.put(index, register.election());
            own.indexOfNonce.put(register.nonce(), index);
            record(new Change(index, Change.Kind.ADDED, register.election(), index));
        } else if (command instanceof Wire.Delete delete) {
            Stored stored = entry(delete.election(), delete.entry());
            if (stored != null && stored.session() == id) {
                remove(index, delete.election(), stored);
            }
        } else if (command instanceof Wire.Withdraw withdraw) {
            Long added = own.indexOfNonce.get(withdraw.nonce());
            if (added != null) {
                remove(index, own.electionOf.get(added), entry(own.electionOf.get(added), added));
            } else {
                // The register may still be on its way from a client that gave up on it: refuse it when it comes.
                own.withdrawn.add(withdraw.nonce());
            }
        } else if (command instanceof Wire.Close) {
            end(index, id);
        } else if (command instanceof Wire.Expire expire) {
            // A renewal committed after the leader decided makes its decision void.
            if (session.lastRenewIndex() == expire.lastRenewIndex()) {
                end(index, id);
            }
        }
        return new Reply(Status.OK, index);
    }

    private static long session(Wire.Command command) {
        if (command instanceof Wire.Renew c) {
            return c.session();
        } else if (command instanceof Wire.Register c) {
            return c.session();
        } else if (command instanceof Wire.Delete c) {
            return c.session();
        } else if (command instanceof Wire.Withdraw c) {
            return c.session();
        } else if (command instanceof Wire.Close c) {
            return c.session();
        } else if (command instanceof Wire.Expire c) {
            return c.session();
        }
        throw new IllegalArgumentException("not a session's command: " + command);
    }

    Place position(Wire.PositionOf query) {
        NavigableMap<Long, Stored> queue = elections.get(query.election());
        Stored self = queue == null ? null : queue.get(query.entry());
        if (self == null || self.session() != query.session()) {
            return new Place(Place.Kind.GONE, 0);
        }
        Long before = queue.lowerKey(query.entry());
        return before == null ? new Place(Place.Kind.FIRST, 0) : new Place(Place.Kind.BEHIND, before);
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
        Collections.reverse(found);
        return new Feed(false, lastIndex, found);
    }

    List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    boolean hasSession(long id) {
        return sessions.containsKey(id);
    }

    long lastIndex() {
        return lastIndex;
    }

    private Stored entry(String election, long entry) {
        NavigableMap<Long, Stored> queue = elections.get(election);
        return queue == null ? null : queue.get(entry);
    }

    private void remove(long index, String election, Stored stored) {
        NavigableMap<Long, Stored> queue = elections.get(election);
        queue.remove(stored.index());
        if (queue.isEmpty()) {
            elections.remove(election);
        }
        Owned own = owned.get(stored.session());
        if (own != null) {
            own.electionOf.remove(stored.index());
            own.indexOfNonce.remove(stored.nonce());
        }
        record(new Change(index, Change.Kind.REMOVED, election, stored.index()));
    }

    private void end(long index, long session) {
        sessions.remove(session);
        Owned own = owned.remove(session);
        // In index order, so that every node feeds the removals of one command in one order.
        own.electionOf.forEach((entry, election) -> {
            NavigableMap<Long, Stored> queue = elections.get(election);
            queue.remove(entry);
            if (queue.isEmpty()) {
                elections.remove(election);
            }
            record(new Change(index, Change.Kind.REMOVED, election, entry));
        });
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
                TreeSet<Long> withdrawn = owned.get(s.id()).withdrawn;
                out.writeInt(withdrawn.size());
                for (long nonce : withdrawn) {
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
        owned.clear();
        elections.clear();
        changes.clear();
        lastIndex = in.readLong();
        feedFrom = lastIndex;
        for (int n = in.readInt(); n > 0; n--) {
            Session s = new Session(in.readLong(), in.readLong(), in.readLong());
            sessions.put(s.id(), s);
            Owned own = new Owned();
            for (int m = in.readInt(); m > 0; m--) {
                own.withdrawn.add(in.readLong());
            }
            owned.put(s.id(), own);
        }
        for (int n = in.readInt(); n > 0; n--) {
            String election = in.readUTF();
            Stored stored = new Stored(in.readLong(), in.readLong(), in.readUTF(), in.readLong());
            elections.computeIfAbsent(election, e -> new TreeMap<>()).put(stored.index(), stored);
            Owned own = owned.get(stored.session());
            own.electionOf.put(stored.index(), election);
            own.indexOfNonce.put(stored.nonce(), stored.index());
        }
    }
}
