package dev.elector;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One participant in one named election: a candidate, or an observer that follows the leader without
 * standing. The rule is the ZooKeeper/etcd recipe: candidates queue in creation order, the lowest leads,
 * and each candidate watches only the one before it.
 *
 * <p>Instances are thread-safe. {@link #isLeader()} is answered locally and is cheap enough for hot
 * paths; {@link #leader()} and {@link #participants()} read the backend.
 */
public interface Election extends AutoCloseable {
    /** Where an election is in its life. */
    enum State {
        /** Created, not yet started. */
        NEW,
        /** Started: standing as a candidate, or following as an observer. */
        RUNNING,
        /** Closed, for good. */
        CLOSED
    }

    /**
     * The election name, unique within the coordinator's namespace.
     *
     * @return the name
     */
    String name();

    /**
     * This participant's id.
     *
     * @return the id
     */
    String participantId();

    /**
     * The options this participant was created with.
     *
     * @return the options
     */
    ElectionOptions options();

    /**
     * Where this election is in its life.
     *
     * @return the state
     */
    State state();

    /**
     * The longest a term stays valid after one acknowledged renewal: the granted session timeout minus the
     * safety margin. A leader-only task that needs more validity than this can never start.
     *
     * @return the validity one renewal gives
     */
    Duration termValidity();

    /**
     * Joins the queue, or starts following it for an observer. Returns at once; listeners hear of the
     * outcome.
     *
     * @return this election
     * @throws IllegalStateException if it was started before
     * @throws ElectionClosedException if it was closed
     */
    Election start();

    /**
     * Whether this participant leads now and its term's deadline has not passed. Answered locally.
     *
     * @return {@code true} while this participant holds a valid term
     */
    boolean isLeader();

    /**
     * The current term, if this participant leads.
     *
     * @return the valid current term, or empty
     */
    Optional<Leadership> leadership();

    /**
     * Waits until this participant leads.
     *
     * @param timeout how long to wait; must be positive
     * @return the term that was won
     * @throws ElectionTimeoutException if the time ran out first
     * @throws ElectionClosedException if the election was closed while waiting
     * @throws IllegalStateException for an observer, or before {@link #start()}
     * @throws InterruptedException if the calling thread was interrupted
     */
    Leadership awaitLeadership(Duration timeout) throws InterruptedException;

    /**
     * The participant at the head of the queue, read from the backend: the leader, or the candidate about
     * to become it.
     *
     * @return the head of the queue, empty if there are no candidates
     */
    Optional<Participant> leader();

    /**
     * All candidates in queue order, read from the backend. The first is the leader.
     *
     * @return the candidates, head first
     */
    List<Participant> participants();

    /**
     * Gives up leadership and moves to the back of the queue, staying a candidate: {@code resignAsync()}
     * waited for, at most one connect timeout plus one session timeout. Does nothing when this participant
     * does not lead.
     *
     * <p>Called from one of this election's own listeners, it returns only after the one-second revocation
     * wait (see {@link #resignAsync()}), since the revocation it waits for is queued behind that very
     * listener; it never deadlocks. Use {@link #resignAsync()} there.
     *
     * @return {@code true} if a term was ended
     * @throws ElectionTimeoutException if the cluster did not answer in time; the resignation goes on
     */
    boolean resign();

    /**
     * Gives up leadership without waiting: the term ends at once ({@link #isLeader()} is false from the
     * moment the election's state machine takes the request), this election's {@code revoked()} listeners
     * and {@link Leadership#lost()} handlers run, and once they have returned (or after one second, if they
     * take longer) the entry is deleted, so the successor's {@code elected()} never comes before our
     * {@code revoked()} returned. The participant then joins again at the back of the queue.
     *
     * @return a stage that completes with {@code true} once the old entry is deleted (or its deletion failed
     *     and goes on in the background), or with {@code false} at once if this participant did not lead
     */
    CompletionStage<Boolean> resignAsync();

    /**
     * Adds a listener, called on this election's serial executor, in order: on the coordinator's listener
     * threads, or on the executor set with {@link ElectionOptions.Builder#listenerExecutor}. Never on a
     * backend's thread, never on the election's state machine, never under a lock.
     *
     * @param listener the listener
     */
    void addListener(ElectionListener listener);

    /**
     * Removes a listener added before.
     *
     * @param listener the listener
     */
    void removeListener(ElectionListener listener);

    /**
     * Leaves the election: {@code closeAsync()} waited for, at most one connect timeout plus one session
     * timeout. Idempotent. From one of this election's own listeners it returns after the one-second
     * revocation wait, as {@link #resign()} does.
     */
    @Override
    void close();

    /**
     * Leaves the election without waiting: ends any term, deletes the candidate entry once the listeners
     * heard of it, as {@link #resignAsync()} does, so the successor takes over at once, and stops following.
     * Idempotent.
     *
     * @return a stage that completes once the entry is deleted, or its deletion failed (it then goes when
     *     the session ends)
     */
    CompletionStage<Void> closeAsync();
}
