package dev.elector.etcd;

import com.google.protobuf.ByteString;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;

/** The key layout of etcd's election recipe: candidates at {@code /<namespace>/<election>/<lease hex>[_<n>]}. */
final class Keys {
    private final String root;

    Keys(String namespace) {
        this.root = "/" + namespace + "/";
    }

    /** {@code /<namespace>/}: every key of every election, the prefix a role must cover. */
    String namespacePrefix() {
        return root;
    }

    String prefix(String election) {
        return root + election + "/";
    }

    ByteString key(EntryRef entry) {
        return ByteString.copyFromUtf8(prefix(entry.election()) + entry.key());
    }

    Entry entry(String election, KeyValue kv) {
        return Entry.of(election, name(election, kv), kv.getCreateRevision(), kv.getCreateRevision(), kv.getLease(),
                kv.getValue().toString(StandardCharsets.UTF_8));
    }

    EntryRef ref(String election, KeyValue kv) {
        return new EntryRef(election, name(election, kv), kv.getCreateRevision());
    }

    private String name(String election, KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix(election).length());
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
