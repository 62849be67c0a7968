package dev.elector.raft;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The registry's commands, queries and replies, and their bytes: one tag byte, then the fields. Every
 * message between a backend and the state machine is written and read here, so the format lives once.
 */
final class Wire {
    private Wire() {
    }

    /** A command is committed through Raft and applied on every node in log order. */
    sealed interface Command {
    }

    /** A query is answered from one node's applied state. */
    sealed interface Query {
    }

    /** Opens a session; its id is this command's log index. */
    record Open(long ttlMillis) implements Command {
    }

    /** Renews a session, committed through Raft like any other command. */
    record Renew(long session) implements Command {
    }

    /**
     * Adds an entry at the back of an election's queue; its order and token are this command's log index.
     * The nonce names this attempt, so that a {@link Withdraw} can take back an attempt whose reply was lost.
     */
    record Register(long session, String election, String value, long nonce) implements Command {
    }

    /** Deletes the entry a {@link Register} of this nonce added, if it did: sent after a register failed. */
    record Withdraw(long session, String election, long nonce) implements Command {
    }

    /** What the Raft leader logs instead of a command it refused before logging, so that every node answers alike. */
    record Refuse(String reason) implements Command {
    }

    /** Deletes an entry if it is still the session's own. */
    record Delete(long session, String election, long entry) implements Command {
    }

    /** Ends a session and deletes its entries, as its owner closes. */
    record Close(long session) implements Command {
    }

    /** Ends a session the Raft leader found silent for its TTL; void if a renewal committed since {@code lastRenewIndex}. */
    record Expire(long session, long lastRenewIndex) implements Command {
    }

    /** Deletes any entry, as an operator would. */
    record Remove(String election, long entry) implements Command {
    }

    /** Where an entry stands: gone (or not the session's), first, or behind another. */
    record PositionOf(String election, long entry, long session) implements Query {
    }

    /** Whether an entry exists. */
    record Exists(String election, long entry) implements Query {
    }

    /** An election's entries in queue order. */
    record ListEntries(String election) implements Query {
    }

    /** The changes after a log index under a prefix; held until there is one, or for a short while. */
    record Changes(long after, String prefix) implements Query {
    }

    /** How a command ended. */
    enum Status {
        /** Applied. */
        OK,
        /** The session named is gone: expired or closed. */
        NO_SESSION,
        /** The leader refused the command; the reason says why. */
        REFUSED
    }

    /**
     * A command's reply: its status and, for {@code Open} and {@code Register}, the log index it took.
     *
     * @param reason why it was refused, or empty
     */
    record Reply(Status status, long index, String reason) {
        Reply(Status status, long index) {
            this(status, index, "");
        }
    }

    /** One stored entry as a query returns it, with the nonce of the register that added it. */
    record Stored(long index, long session, String value, long nonce) {
        /** The entry as the SPI names it: its key, order and token are all the log index of its register. */
        dev.elector.spi.Entry toEntry(String election) {
            return dev.elector.spi.Entry.of(election, Long.toString(index), index, index, session, value);
        }
    }

    /** The registry's name of an election: every election of every namespace lives in the one group. */
    static String election(String namespace, String election) {
        return prefix(namespace) + election;
    }

    /** What the names of a namespace's elections start with. */
    static String prefix(String namespace) {
        return "/" + namespace + "/";
    }

    /** What changed at a log index: an entry added or removed, or a session ended ({@code election} empty). */
    record Change(long index, Kind kind, String election, long subject) {
        enum Kind {
            ADDED, REMOVED, SESSION_ENDED
        }
    }

    /**
     * The feed's answer: the changes after the cursor up to {@code upTo}, or {@code reset} if the node no
     * longer holds changes that old (after a snapshot or a restart), when every watch must fire.
     */
    record Feed(boolean reset, long upTo, List<Change> changes) {
    }

    /** A position, as {@link dev.elector.spi.Position} has it; {@code predecessor} is the index of the entry just before, if behind one. */
    record Place(Kind kind, long predecessor) {
        enum Kind {
            GONE, FIRST, BEHIND
        }
    }

    static Message message(Object commandOrQuery) {
        return Message.valueOf(ByteString.copyFrom(write(out -> {
            if (commandOrQuery instanceof Open c) {
                out.writeByte(1);
                out.writeLong(c.ttlMillis());
            } else if (commandOrQuery instanceof Renew c) {
                out.writeByte(2);
                out.writeLong(c.session());
            } else if (commandOrQuery instanceof Register c) {
                out.writeByte(3);
                out.writeLong(c.session());
                out.writeUTF(c.election());
                out.writeUTF(c.value());
                out.writeLong(c.nonce());
            } else if (commandOrQuery instanceof Withdraw c) {
                out.writeByte(8);
                out.writeLong(c.session());
                out.writeUTF(c.election());
                out.writeLong(c.nonce());
            } else if (commandOrQuery instanceof Refuse c) {
                out.writeByte(9);
                out.writeUTF(c.reason());
            } else if (commandOrQuery instanceof Delete c) {
                out.writeByte(4);
                out.writeLong(c.session());
                out.writeUTF(c.election());
                out.writeLong(c.entry());
            } else if (commandOrQuery instanceof Close c) {
                out.writeByte(5);
                out.writeLong(c.session());
            } else if (commandOrQuery instanceof Expire c) {
                out.writeByte(6);
                out.writeLong(c.session());
                out.writeLong(c.lastRenewIndex());
            } else if (commandOrQuery instanceof Remove c) {
                out.writeByte(7);
                out.writeUTF(c.election());
                out.writeLong(c.entry());
            } else if (commandOrQuery instanceof PositionOf q) {
                out.writeByte(20);
                out.writeUTF(q.election());
                out.writeLong(q.entry());
                out.writeLong(q.session());
            } else if (commandOrQuery instanceof Exists q) {
                out.writeByte(21);
                out.writeUTF(q.election());
                out.writeLong(q.entry());
            } else if (commandOrQuery instanceof ListEntries q) {
                out.writeByte(22);
                out.writeUTF(q.election());
            } else if (commandOrQuery instanceof Changes q) {
                out.writeByte(23);
                out.writeLong(q.after());
                out.writeUTF(q.prefix());
            } else {
                throw new IllegalArgumentException("not a registry message: " + commandOrQuery);
            }
        })));
    }

    /** A command or a query read back from its bytes. */
    static Object read(ByteString bytes) {
        try (DataInputStream in = new DataInputStream(bytes.newInput())) {
            int tag = in.readByte();
            return switch (tag) {
                case 1 -> new Open(in.readLong());
                case 2 -> new Renew(in.readLong());
                case 3 -> new Register(in.readLong(), in.readUTF(), in.readUTF(), in.readLong());
                case 4 -> new Delete(in.readLong(), in.readUTF(), in.readLong());
                case 5 -> new Close(in.readLong());
                case 6 -> new Expire(in.readLong(), in.readLong());
                case 7 -> new Remove(in.readUTF(), in.readLong());
                case 8 -> new Withdraw(in.readLong(), in.readUTF(), in.readLong());
                case 9 -> new Refuse(in.readUTF());
                case 20 -> new PositionOf(in.readUTF(), in.readLong(), in.readLong());
                case 21 -> new Exists(in.readUTF(), in.readLong());
                case 22 -> new ListEntries(in.readUTF());
                case 23 -> new Changes(in.readLong(), in.readUTF());
                default -> throw new IllegalArgumentException("unknown registry message tag " + tag);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("a registry message was cut short", e);
        }
    }

    static Message reply(Reply reply) {
        return bytes(out -> {
            out.writeByte(reply.status().ordinal());
            out.writeLong(reply.index());
            out.writeUTF(reply.reason());
        });
    }

    static Reply reply(Message message) {
        return read(message, in -> new Reply(Status.values()[in.readByte()], in.readLong(), in.readUTF()));
    }

    static Message place(Place place) {
        return bytes(out -> {
            out.writeByte(place.kind().ordinal());
            out.writeLong(place.predecessor());
        });
    }

    static Place place(Message message) {
        return read(message, in -> new Place(Place.Kind.values()[in.readByte()], in.readLong()));
    }

    static Message exists(boolean exists) {
        return bytes(out -> out.writeBoolean(exists));
    }

    static boolean exists(Message message) {
        return read(message, DataInputStream::readBoolean);
    }

    static Message entries(List<Stored> entries) {
        return bytes(out -> {
            out.writeInt(entries.size());
            for (Stored s : entries) {
                out.writeLong(s.index());
                out.writeLong(s.session());
                out.writeUTF(s.value());
                out.writeLong(s.nonce());
            }
        });
    }

    static List<Stored> entries(Message message) {
        return read(message, in -> {
            int n = in.readInt();
            List<Stored> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entries.add(new Stored(in.readLong(), in.readLong(), in.readUTF(), in.readLong()));
            }
            return entries;
        });
    }

    static Message feed(Feed feed) {
        return bytes(out -> {
            out.writeBoolean(feed.reset());
            out.writeLong(feed.upTo());
            out.writeInt(feed.changes().size());
            for (Change c : feed.changes()) {
                out.writeLong(c.index());
                out.writeByte(c.kind().ordinal());
                out.writeUTF(c.election());
                out.writeLong(c.subject());
            }
        });
    }

    static Feed feed(Message message) {
        return read(message, in -> {
            boolean reset = in.readBoolean();
            long upTo = in.readLong();
            int n = in.readInt();
            List<Change> changes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                changes.add(new Change(in.readLong(), Change.Kind.values()[in.readByte()], in.readUTF(), in.readLong()));
            }
            return new Feed(reset, upTo, changes);
        });
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static Message bytes(Writer writer) {
        return Message.valueOf(ByteString.copyFrom(write(writer)));
    }

    private static <T> T read(Message message, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(message.getContent().newInput())) {
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("a registry reply was cut short", e);
        }
    }
}
