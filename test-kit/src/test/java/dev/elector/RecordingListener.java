package dev.elector;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event with the thread it arrived on. */
final class RecordingListener implements ElectionListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Leadership> terms = new CopyOnWriteArrayList<>();
    final List<RevocationReason> reasons = new CopyOnWriteArrayList<>();
    final List<Optional<Participant>> leaders = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void elected(Leadership term) {
        threads.add(Thread.currentThread().getName());
        terms.add(term);
        events.add("elected:" + term.fencingToken());
    }

    @Override
    public void revoked(Leadership term, RevocationReason reason) {
        threads.add(Thread.currentThread().getName());
        reasons.add(reason);
        events.add("revoked:" + term.fencingToken() + ":" + reason);
    }

    @Override
    public void leaderChanged(Optional<Participant> leader) {
        leaders.add(leader);
        events.add("leader:" + leader.map(Participant::id).orElse("-"));
    }
}
