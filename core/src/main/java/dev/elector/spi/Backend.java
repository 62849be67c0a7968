package dev.elector.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The primitive a backend gives core: an ordered registry of ephemeral candidate entries bound to one
 * liveness source (a session or lease). The election itself, and every decision about leadership, lives in
 * core. Blocking methods take at most about the connect timeout and throw
 * {@link dev.elector.ElectionException} when the cluster cannot answer; core retries.
 */
public interface Backend extends AutoCloseable {
    /**
     * The session timeout or lease TTL granted by the server, which may differ from the one requested.
     *
     * @return the granted timeout
     */
    Duration sessionTimeout();

    /**
     * The current session or lease id.
     *
     * @return the id, or 0 while there is none
     */
    long epoch();

    /**
     * Sets the one listener for session changes. Called once, before any entry is registered.
     *
     * @param listener the listener
     */
    void setSessionListener(SessionListener listener);

    /**
     * One round trip that the server counts as a renewal of the session. Core records the send time and,
     * on success, computes the validity deadline from it. Must not block.
     *
     * @return a stage that completes when the server acknowledged, or fails
     */
    CompletionStage<Void> renew();

    /**
     * Creates a candidate entry at the back of the queue, bound to the current session.
     *
     * @param election the election name
     * @param participantId the id to store
     * @param metadata the metadata to store
     * @return the entry, with its order, token and owner
     */
    Entry register(String election, String participantId, String metadata);

    /**
     * Whether {@code self} is still in the queue and which entry is immediately before it, in one read and
     * without listing the whole queue where the backend can avoid it. Together with the owner recorded at
     * registration, this is the ownership check a candidate makes before it claims.
     *
     * @param self an entry returned by {@link #register}
     * @return its position
     */
    Position position(Entry self);

    /**
     * Reads an entry's current state and, if it exists, leaves a one-shot watch that runs
     * {@code onChange} when it is deleted or changed. The callback runs on a backend thread and must not
     * block.
     *
     * @param entry the entry to read
     * @param onChange what to run on the next change
     * @return the entry with its owner and token, or empty if it no longer exists (no watch is left)
     */
    Optional<Entry> watch(Entry entry, Runnable onChange);

    /**
     * Withdraws a watch that {@link #watch} left with this very {@code onChange} and that has not fired, so
     * that a candidate deleting its own entry wakes its successor only, not itself. Other watches on the same
     * entry stay. Does nothing if the watch fired or is unknown. Must not block: a request it sends goes
     * ahead of the next one of the same session, as ZooKeeper's {@code removeWatches} does.
     *
     * @param entry the entry that was watched
     * @param onChange the callback given to {@link #watch}
     */
    void unwatch(Entry entry, Runnable onChange);

    /**
     * All entries of an election in queue order, with ids, metadata and tokens. If {@code onChange} is not
     * null, leaves a one-shot watch that runs it when the set of entries changes.
     *
     * @param election the election name
     * @param onChange what to run on the next change, or {@code null}
     * @return the entries, head first
     */
    List<Entry> entries(String election, Runnable onChange);

    /**
     * Deletes an entry of ours; succeeds if it is already gone.
     *
     * @param own an entry returned by {@link #register}
     */
    void delete(Entry own);

    /** Ends the session, deleting its entries, and stops every thread the backend started. Idempotent. */
    @Override
    void close();
}
