package dev.elector.etcd;

import com.google.protobuf.ByteString;
import dev.elector.spi.Entry;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.api.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The key layout: candidates at {@code /<namespace>/<election>/<lease hex>[_<n>]}, and a candidate's
 * handover mark, its key with {@link #MARK} appended, which its owner puts in the transaction that deletes
 * it. The mark sorts right after that key and before any other candidate's (a '/' sorts before the hex
 * digits and the '_' of candidate keys), so one watch on the range from the key to the mark sees both.
 */
final class Keys {
    static final String MARK = "/handover";

    private final String root;

    Keys(String namespace) {
        this.root = "/" + namespace + "/";
    }

    String prefix(String election) {
        return root + election + "/";
    }

    ByteString key(Entry entry) {
        return ByteString.copyFromUtf8(prefix(entry.election()) + entry.key());
    }

    /** The handover mark of the candidate at {@code key}. */
    static ByteString mark(ByteString key) {
        return key.concat(ByteString.copyFromUtf8(MARK));
    }

    /** A handover mark, which a listing leaves out; a position read keeps it, to be waited for. */
    boolean isMark(String election, KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix(election).length()).contains("/");
    }

    Entry entry(String election, KeyValue kv) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        return Entry.of(election, key.substring(prefix(election).length()), kv.getCreateRevision(), kv.getCreateRevision(), kv.getLease(),
                kv.getValue().toString(StandardCharsets.UTF_8));
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** Whether the key's deletion and the put of its mark are among the events, in one revision. */
    static boolean handedOver(List<Event> events, ByteString key) {
        ByteString mark = mark(key); // made here: a watch keeps only the key
        long deleted = -1;
        for (Event e : events) {
            if (e.getType() == Event.EventType.DELETE && e.getKv().getKey().equals(key)) {
                deleted = e.getKv().getModRevision();
            }
        }
        for (Event e : events) {
            if (e.getType() == Event.EventType.PUT && e.getKv().getKey().equals(mark) && e.getKv().getModRevision() == deleted) {
                return true;
            }
        }
        return false;
    }
}
