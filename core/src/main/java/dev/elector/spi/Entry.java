package dev.elector.spi;

import dev.elector.Participant;

/**
 * One candidate entry in a backend: a ZooKeeper ephemeral sequential znode or an etcd lease-bound key.
 *
 * @param election the election name
 * @param key the backend's name of the entry, unique within the election
 * @param order the queue position: the znode's sequence number or the key's create revision
 * @param token the fencing token the entry carries
 * @param owner the session or lease the entry is bound to
 * @param participantId the id stored in the entry
 * @param metadata the metadata stored in the entry
 */
public record Entry(String election, String key, long order, long token, long owner, String participantId, String metadata) {
    /**
     * The name of this entry, to watch it.
     *
     * @return its election, key and order
     */
    public EntryRef ref() {
        return new EntryRef(election, key, order);
    }

    /**
     * The entry as the public API shows it.
     *
     * @return a participant with this entry's id, metadata and token
     */
    public Participant toParticipant() {
        return new Participant(participantId, metadata, token);
    }

    /**
     * The text a backend stores in an entry: the bare participant id, as Curator's LeaderLatch and etcd's
     * election recipe store theirs, followed by a newline and the metadata when there is any.
     *
     * @param participantId the id
     * @param metadata the metadata, empty if none
     * @return the stored text
     */
    public static String value(String participantId, String metadata) {
        return metadata.isEmpty() ? participantId : participantId + "\n" + metadata;
    }

    /**
     * An entry read back from a backend, its stored text split as {@link #value} joined it.
     *
     * @param election the election name
     * @param key the backend's name of the entry
     * @param order the queue position
     * @param token the fencing token
     * @param owner the session or lease
     * @param value the stored text
     * @return the entry
     */
    public static Entry of(String election, String key, long order, long token, long owner, String value) {
        int newline = value.indexOf('\n');
        return new Entry(election, key, order, token, owner, newline < 0 ? value : value.substring(0, newline),
                newline < 0 ? "" : value.substring(newline + 1));
    }
}
