package dev.elector;

import java.util.Objects;

/**
 * One candidate as seen in the backend: its id, its metadata, and the fencing token it holds, or will
 * hold, when it leads.
 *
 * @param id the participant id given in {@link ElectionOptions.Builder#participantId}
 * @param metadata free-form text given in {@link ElectionOptions.Builder#metadata}, empty if none
 * @param token the fencing token of this candidacy: ZooKeeper's {@code czxid} of the entry, or etcd's
 *     create revision
 */
public record Participant(String id, String metadata, long token) {
    /**
     * Checks the fields.
     *
     * @param id the participant id
     * @param metadata free-form text, empty if none
     * @param token the fencing token of this candidacy
     */
    public Participant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(metadata, "metadata");
    }
}
