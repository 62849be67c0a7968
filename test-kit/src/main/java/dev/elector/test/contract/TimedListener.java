package dev.elector.test.contract;

import dev.elector.ElectionListener;
import dev.elector.Leadership;
import dev.elector.Participant;
import dev.elector.RevocationReason;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records each event with the {@code System.nanoTime()} at which it arrived. */
public final class TimedListener implements ElectionListener {
    /** One event. */
    public record Event(String kind, long token, RevocationReason reason, Optional<Participant> leader, long at) {
    }

    /** Every event so far, in the order it arrived; safe to read while events arrive. */
    public final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void elected(Leadership term) {
        events.add(new Event("elected", term.fencingToken(), null, Optional.empty(), System.nanoTime()));
    }

    @Override
    public void revoked(Leadership term, RevocationReason reason) {
        events.add(new Event("revoked", term.fencingToken(), reason, Optional.empty(), System.nanoTime()));
    }

    @Override
    public void leaderChanged(Optional<Participant> leader) {
        events.add(new Event("leader", leader.map(Participant::token).orElse(0L), null, leader, System.nanoTime()));
    }

    /**
     * The first event of a kind.
     *
     * @param kind {@code "elected"}, {@code "revoked"} or {@code "leader"}
     * @return the event, or empty if none has arrived
     */
    public Optional<Event> first(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).findFirst();
    }

    /**
     * Every event of a kind, in the order they arrived.
     *
     * @param kind {@code "elected"}, {@code "revoked"} or {@code "leader"}
     * @return the events, empty if none
     */
    public List<Event> all(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).toList();
    }
}
