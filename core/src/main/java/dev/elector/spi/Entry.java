package dev.elector.spi;

import dev.elector.Participant;

/**
 * One candidate entry in a backend: a ZooKeeper ephemeral sequential znode or an etcd lease-bound key.
 *
 * @param election the election name
 * @param key the backend's name of the entry, unique within the election
 * @param order the queue position: the znode's sequence number or the key's create revision
 * @param token the fencing token the entry carries, or 0 where the backend did not read it
 * @param owner the session or lease the entry is bound to, or 0 where the backend did not read it
 * @param participantId the id stored in the entry
 * @param metadata the metadata stored in the entry
 */
public record Entry(String election, String key, long order, long token, long owner, String participantId, String metadata) {
    /**
     * The entry as the public API shows it.
     *
     * @return a participant with this entry's id, metadata and token
     */
    public Participant toParticipant() {
        return new Participant(participantId, metadata, token);
    }
}
