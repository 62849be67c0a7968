package dev.elector.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

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
     * registration, this is the ownership check a candidate makes before it claims. Must not block: core
     * sends it from a notifying thread, and may decide on the thread that completes it.
     *
     * @param self an entry returned by {@link #register}
     * @return a stage with its position, failing with {@link dev.elector.ElectionException} within about
     *     the connect timeout if the cluster cannot answer
     */
    CompletionStage<Position> position(Entry self);

    /**
     * Leaves a one-shot watch on an entry, then reads its current state; the watch runs {@code onChange}
     * once, on the entry's next deletion or change, or when the backend can no longer tell. Watches of one
     * coordinator fire in the order the server made the changes. The callback runs on a backend thread and
     * must not block.
     *
     * @param entry the entry to watch
     * @param onChange what to run on the next change, told what was seen
     * @return the watch, holding the entry as read, or empty if the entry no longer exists (no watch is left)
     */
    Optional<Watch> watch(Entry entry, Consumer<Change> onChange);

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
     * @param handOver true if the entry led and its term has ended, its revocation listeners included: a
     *     backend that can mark the deletion itself as such lets the successor's watch report
     *     {@link Change#HANDED_OVER}, so it can take over without a read; others ignore it
     */
    void delete(Entry own, boolean handOver);

    /** Ends the session, deleting its entries, and stops every thread the backend started. Idempotent. */
    @Override
    void close();
}
