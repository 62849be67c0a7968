package dev.elector.patterns;

/**
 * One fault of the timeline, in true (simulator) time.
 *
 * @param kind     what happens
 * @param start    when it begins
 * @param end      when it heals (a crashed node restarts, a paused node resumes)
 * @param node     the node it hits: for crash and pause {@link #LEADER} means "whoever believes it leads
 *                 at {@code start}", with {@code fallback} if nobody does
 * @param fallback the node hit when {@code node} is {@link #LEADER} and there is no leader
 * @param places   for partition: the cut-off group; for partial and one-way: the places on the far side.
 *                 A place is a node id, or {@code nodes} for the registry and the fenced resource
 * @param outbound for one-way: true if the node's own messages are dropped, false if messages to it are
 * @param p        for loss and duplicate: the probability per message
 * @param extra    for delay: the largest extra delay, in nanoseconds
 */
record Fault(FaultKind kind, long start, long end, int node, int fallback, boolean[] places, boolean outbound,
             double p, long extra) {
    /** The target "the current leader" of a crash or a pause. */
    static final int LEADER = -1;

    boolean activeAt(long t) {
        return t >= start && t < end;
    }
}
