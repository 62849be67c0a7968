package dev.elector;

import java.util.List;
import java.util.Optional;

/**
 * Receives an election's events. Each election calls its listeners on one serial executor, in the order
 * the events happened, never while an internal lock is held. A slow listener delays later events of
 * the same election but never stalls the election itself: leadership ends at its deadline whatever the
 * listeners do.
 */
public interface ElectionListener {
    /**
     * This participant was elected.
     *
     * @param term the new term
     */
    default void elected(Leadership term) {
    }

    /**
     * This participant's term ended.
     *
     * @param term the term that ended
     * @param reason why it ended
     */
    default void revoked(Leadership term, RevocationReason reason) {
    }

    /**
     * The head of the queue changed. Delivered to observers (see {@link ElectionOptions.Builder#observer}),
     * which follow every change; candidates learn of their own terms through {@link #elected} instead.
     *
     * @param leader the participant at the head of the queue, empty if there is none
     */
    default void leaderChanged(Optional<Participant> leader) {
    }

    /**
     * The queue changed: a candidate joined or left, or the head moved. Delivered to observers, after
     * {@link #leaderChanged} when the head changed too, and once when the observer starts.
     *
     * @param participants the participants in queue order, the leader first
     */
    default void participantsChanged(List<Participant> participants) {
    }
}
