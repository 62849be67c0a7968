package dev.elector;

import dev.elector.Election.State;
import dev.elector.spi.Entry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Follows an election's queue without standing: every change of it and of its head reaches the listeners. */
final class Observer extends Member {
    // Confined to the actor.
    /** Id of the newest listing; an answer to an older one is outdated. */
    private long reads;
    private Optional<String> observedHead;
    private List<String> observedKeys;

    Observer(DefaultCoordinator coordinator, String name, ElectionOptions options) {
        super(coordinator, name, options);
    }

    @Override
    void step() {
        if (state != State.RUNNING || liveness.epoch() == 0) {
            return;
        }
        long id = ++reads;
        backend.entries(name, () -> actor.execute(() -> {
            if (id == reads) {
                step();
            }
        })).whenComplete((entries, error) -> actor.execute(() -> {
            if (id != reads || state != State.RUNNING) {
                return;
            }
            if (error != null) {
                failed("list the candidates", error);
                retryLater();
                return;
            }
            Optional<Participant> head = entries.stream().findFirst().map(Entry::toParticipant);
            Optional<String> headKey = entries.stream().findFirst().map(Entry::key);
            if (!headKey.equals(observedHead)) {
                observedHead = headKey;
                listeners.tell(l -> l.leaderChanged(head));
            }
            List<String> keys = entries.stream().map(Entry::key).toList();
            if (!keys.equals(observedKeys)) {
                observedKeys = keys;
                List<Participant> queue = entries.stream().map(Entry::toParticipant).toList();
                listeners.tell(l -> l.participantsChanged(queue));
            }
        }));
    }

    @Override
    CompletableFuture<Void> leave() {
        reads++; // a listing in flight is outdated
        return CompletableFuture.completedFuture(null);
    }
}
