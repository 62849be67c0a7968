package dev.elector.test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** What the running test opened through its cluster handle (coordinators, routes), and its namespace: closed after the test. */
final class Opened {
    private final List<AutoCloseable> coordinators = new ArrayList<>();
    /** Who closes what is opened, for a handle over someone else's cluster; null: {@link #closeAll()}. */
    private final Consumer<AutoCloseable> owner;
    private String namespace = "none";

    /** For the extension, which begins each test's namespace and closes all after it. */
    Opened() {
        this.owner = null;
    }

    /** One namespace throughout, and whatever is opened handed to {@code owner}, who closes it. */
    Opened(String namespace, Consumer<AutoCloseable> owner) {
        this.namespace = namespace;
        this.owner = owner;
    }

    synchronized String namespace() {
        return namespace;
    }

    synchronized void begin(String testNamespace) {
        this.namespace = testNamespace;
    }

    synchronized <T extends AutoCloseable> T track(T opened) {
        if (owner != null) {
            owner.accept(opened);
        } else {
            coordinators.add(opened);
        }
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
