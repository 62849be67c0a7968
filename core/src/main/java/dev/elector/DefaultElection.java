package dev.elector;

import dev.elector.spi.Entry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The public face of one {@link Member}, candidate or observer: what callers ask, answered from its state or waited for. */
final class DefaultElection implements Election {
    private static final Logger log = LoggerFactory.getLogger(DefaultElection.class);

    private final DefaultCoordinator coordinator;
    private final Member member;

    DefaultElection(DefaultCoordinator coordinator, Member member) {
        this.coordinator = coordinator;
        this.member = member;
    }

    @Override
    public String name() {
        return member.name;
    }

    @Override
    public String participantId() {
        return member.participantId();
    }

    @Override
    public ElectionOptions options() {
        return member.options;
    }

    @Override
    public State state() {
        return member.state;
    }

    @Override
    public Duration termValidity() {
        return coordinator.termValidity();
    }

    @Override
    public Election start() {
        member.start();
        return this;
    }

    @Override
    public boolean isLeader() {
        Term t = member.term();
        return t != null && t.isValid();
    }

    @Override
    public Optional<Leadership> leadership() {
        return Optional.<Leadership>ofNullable(member.term()).filter(Leadership::isValid);
    }

    @Override
    public Leadership awaitLeadership(Duration timeout) throws InterruptedException {
        long wait = Checks.saturatedNanos("timeout", timeout);
        if (options().observer()) {
            throw new IllegalStateException("election '" + name() + "': an observer never leads");
        }
        if (state() == State.NEW) {
            throw new IllegalStateException("election '" + name() + "' is not started: call start() first");
        }
        long start = System.nanoTime();
        Object signal = member.signal();
        synchronized (signal) {
            while (true) {
                if (state() == State.CLOSED) {
                    throw new ElectionClosedException("election '" + name() + "' of " + participantId() + " is closed");
                }
                Term t = member.term();
                if (t != null && t.isValid()) {
                    return t;
                }
                long left = wait - (System.nanoTime() - start);
                if (left <= 0) {
                    throw new ElectionTimeoutException(participantId() + " did not become leader of '" + name() + "' within " + Durations.format(timeout));
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left); // every claim, end of a term and close notifies
            }
        }
    }

    @Override
    public Optional<Participant> leader() {
        return participants().stream().findFirst();
    }

    @Override
    public List<Participant> participants() {
        if (state() == State.CLOSED) {
            throw new ElectionClosedException("election '" + name() + "' of " + participantId() + " is closed");
        }
        return coordinator.await(coordinator.backend().entries(name(), null), "list the candidates of '" + name() + "'").stream()
                .map(Entry::toParticipant).toList();
    }

    @Override
    public boolean resign() {
        return coordinator.await(member.resign(), "resign from '" + name() + "'");
    }

    @Override
    public CompletionStage<Boolean> resignAsync() {
        return member.resign().minimalCompletionStage();
    }

    @Override
    public void addListener(ElectionListener listener) {
        member.listeners.add(listener);
    }

    @Override
    public void removeListener(ElectionListener listener) {
        member.listeners.remove(listener);
    }

    @Override
    public void close() {
        try {
            coordinator.await(member.close(), "close '" + name() + "'");
        } catch (ElectionException e) {
            log.warn("Closing '{}' of {} did not finish: {}; its entry goes when the session ends",
                    name(), participantId(), e.getMessage());
        }
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        return member.close().minimalCompletionStage();
    }

    @Override
    public String toString() {
        return "Election{name=" + name() + ", participant=" + participantId() + ", state=" + state() + ", leader=" + isLeader() + "}";
    }
}
