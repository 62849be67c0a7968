package dev.elector.test;

import java.util.ArrayList;
import java.util.List;

/** What the running test opened through its cluster handle (coordinators, routes), and its namespace: closed after the test. */
final class Opened {
    private final List<AutoCloseable> coordinators = new ArrayList<>();
    private String namespace = "none";

    synchronized String namespace() {
        return namespace;
    }

    synchronized void begin(String testNamespace) {
        this.namespace = testNamespace;
    }

    synchronized <T extends AutoCloseable> T track(T opened) {
        coordinators.add(opened);
        return opened;
    }

    /**
     * Closes every coordinator and route of the test, newest first; closing is idempotent, so one the test
     * closed is fine.
     */
    void closeAll() {
        List<AutoCloseable> all;
        synchronized (this) {
            all = new ArrayList<>(coordinators);
            coordinators.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close " + all.get(i), e);
            }
        }
    }
}
