package dev.elector.patterns;

/**
 * One node's election algorithm: a single-threaded event handler with no I/O, no clock and no threads of
 * its own. The same instance runs in the simulator and over TCP; only the {@link Context} differs.
 */
interface Handler {
    /** The node boots, or boots again after a crash. */
    void start(Context ctx);

    /** A message from another node (or from the registry) has arrived. */
    void onMessage(Context ctx, int from, Msg msg);

    /** A timer set with {@link Context#setTimer} has fired. */
    void onTimer(Context ctx, String tag);

    /**
     * The node has crashed: forget everything a real process keeps only in memory. What a real node
     * would keep on disk (Raft's term and vote) stays. {@link #start} follows on restart.
     */
    void crash();
}
