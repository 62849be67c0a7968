package dev.elector.patterns;


/** The algorithms compared, in table order, with the names used on the command line and in the output. */
enum Algorithm {
    BULLY("bully", "Bully with heartbeats", false),
    RING("ring", "Ring with election and coordinator messages, ring repair", false),
    RAFT("raft", "Raft election, plain", false),
    RAFT_PVCQ("raft-pvcq", "Raft election with pre-vote and check-quorum, no lease", false),
    RAFT_LEASE("raft-lease", "Raft election with pre-vote, check-quorum and a leader lease", true),
    RECIPE("recipe", "Lowest-entry recipe over a linearizable registry with sessions (Elector)", true);

    final String label;
    final String description;
    /** Whether the algorithm bounds each belief by a deadline that a quorum's timing guarantees. */
    final boolean quorumSafe;

    Algorithm(String label, String description, boolean quorumSafe) {
        this.label = label;
        this.description = description;
        this.quorumSafe = quorumSafe;
    }

    /** A fresh handler for node {@code id} of {@code n}. */
    Handler node(int id, int n) {
        return switch (this) {
            case BULLY -> new Bully();
            case RING -> new Ring();
            case RAFT -> new Raft(Raft.Mode.PLAIN);
            case RAFT_PVCQ -> new Raft(Raft.Mode.PRE_VOTE_CHECK_QUORUM);
            case RAFT_LEASE -> new Raft(Raft.Mode.LEASE);
            case RECIPE -> new Recipe();
        };
    }

    /** The registry's handler, for the algorithms that have one, else null. */
    Handler registry(int n) {
        return this == RECIPE ? new Registry() : null;
    }

    static Algorithm byLabel(String label) {
        for (Algorithm a : values()) {
            if (a.label.equals(label)) {
                return a;
            }
        }
        return null;
    }
}
