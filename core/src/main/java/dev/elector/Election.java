package dev.elector;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One participant in one named election: a candidate, or an observer that follows the leader without
 * standing. The rule is the ZooKeeper/etcd recipe: candidates queue in creation order, the lowest leads,
 * and each candidate watches only the one before it.
 *
 * <p>Instances are thread-safe. {@link #isLeader()} is answered locally and is cheap enough for hot
 * paths; {@link #leader()} and {@link #participants()} read the backend.
 */
public interface Election extends AutoCloseable {
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
     * Gives up leadership and moves to the back of the queue, staying a candidate. Blocks until the
     * candidate entry is replaced. The old entry is deleted once this election's {@code revoked()} listeners
     * and {@link Leadership#lost()} handlers have returned (for at most a second), marked as a handover so
     * the successor takes over at once. Does nothing when this participant does not lead. Called from a
     * listener on an executor set with {@link ElectionOptions.Builder#listenerExecutor}, which may be a
     * backend's own thread, it does not wait: the term ends and the entry is replaced right after.
     *
     * @return {@code true} if a term was ended; from such a listener, if this participant led when called
     */
    boolean resign();

    /**
     * Adds a listener, called on this election's serial executor: on the coordinator's listener threads, or
     * on the executor set with {@link ElectionOptions.Builder#listenerExecutor}.
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
     * Leaves the election: ends any term, deletes the candidate entry as {@link #resign()} does, so the
     * successor takes over at once, and stops following. Idempotent. Like {@link #resign()}, it does not
     * wait for the deletion when called from a listener on an executor of the user's choosing.
     */
    @Override
    void close();
}
