package dev.elector.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The primitive a backend gives core: an ordered registry of ephemeral candidate entries bound to one
 * liveness source (a session or lease). The election itself, and every decision about leadership, lives in
 * core.
 *
 * <p>Every call returns at once with a stage and never blocks the caller: core calls these from its own few
 * threads for any number of elections, and pipelines their requests. Each stage completes, with a result or
 * with an {@link dev.elector.ElectionException}, within about the connect timeout, and may complete on a
 * backend thread: core moves on to its own threads before it acts. Core retries what failed.
 */
public interface Backend extends AutoCloseable {
    /**
     * The session timeout or lease TTL the server granted, which may differ from the one requested: core
     * refuses a difference and derives every deadline from this value.
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
     * How many calls core keeps in flight at once for all elections of this backend, renewals aside. Deep
     * enough to pipeline; shallow enough that the server's queue never holds up a renewal for long.
     *
     * @return at least 1; 1,000 unless the backend knows better
     */
    default int maxCallsInFlight() {
        return 1000;
    }

    /**
     * One round trip that the server counts as a renewal of the session. Core records the send time and,
     * on success, computes the validity deadline from it.
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
     * @return a stage with the entry, its order, token and owner as the server recorded them
     */
    CompletionStage<Entry> register(String election, String participantId, String metadata);

    /**
     * Where {@code self} stands, in one read and without listing the whole queue where the backend can
     * avoid it: gone (it is not there as the very entry registered, with our owner), first, or behind
     * another entry. This is the ownership check a candidate makes before it claims.
     *
     * @param self an entry returned by {@link #register}
     * @return a stage with its position
     */
    CompletionStage<Position> position(Entry self);

    /**
     * Leaves a one-shot watch on an entry, then checks that it still exists. The watch runs
     * {@code onChange} once, on the entry's next deletion or change, or when the backend can no longer tell
     * (a broken stream); core reads again before it acts on it. Watches of one coordinator fire in the order
     * the server made the changes. The callback runs on a backend thread and must not block.
     *
     * @param entry the entry, as {@link Entry#ref()} names it
     * @param onChange what to run on the next change
     * @return a stage with the watch, or empty if the entry no longer exists (then no watch is left)
     */
    CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange);

    /**
     * All entries of an election in queue order, with ids, metadata and tokens. If {@code onChange} is not
     * null, leaves a one-shot watch that runs it when the set of entries changes.
     *
     * @param election the election name
     * @param onChange what to run on the next change, or {@code null}
     * @return a stage with the entries, head first
     */
    CompletionStage<List<Entry>> entries(String election, Runnable onChange);

    /**
     * Deletes an entry of ours, guarded so that it never deletes another entry of the same name; succeeds
     * if it is already gone.
     *
     * @param own an entry returned by {@link #register}
     * @return a stage that completes once the entry is gone
     */
    CompletionStage<Void> delete(Entry own);

    /**
     * Ends the session, deleting its entries, and stops every thread the backend started. Idempotent. May
     * block for up to the connect timeout; core calls it only from the thread that closes the coordinator.
     */
    @Override
    void close();
}
