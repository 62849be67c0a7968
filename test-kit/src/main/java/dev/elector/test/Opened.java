package dev.elector.test;

import dev.elector.Coordinator;
import java.util.ArrayList;
import java.util.List;

/** What the running test opened through its cluster handle, and its namespace: closed after the test. */
final class Opened {
    private final List<Coordinator> coordinators = new ArrayList<>();
    private String namespace = "none";

    synchronized String namespace() {
        return namespace;
    }

    synchronized void begin(String testNamespace) {
        this.namespace = testNamespace;
    }

    synchronized Coordinator track(Coordinator coordinator) {
        coordinators.add(coordinator);
        return coordinator;
    }

    /** Closes every coordinator of the test, newest first; closing is idempotent, so one the test closed is fine. */
    void closeAll() {
        List<Coordinator> all;
        synchronized (this) {
            all = new ArrayList<>(coordinators);
            coordinators.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
        }
    }
}
