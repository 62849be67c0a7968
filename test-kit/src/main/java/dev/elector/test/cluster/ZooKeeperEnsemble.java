package dev.elector.test.cluster;

/** Three real ZooKeeper servers, reachable from the tests, whose members can be paused. */
public interface ZooKeeperEnsemble extends AutoCloseable {
    int size();

    /** {@code host:port} of one member's client port, as the tests reach it. */
    String address(int member);

    void pause(int member);

    /** The PKI of a secured ensemble, whose client ports take TLS with client certificates; null if plain. */
    default dev.elector.test.cluster.Pki pki() {
        return null;
    }

    void resume(int member);

    void kill(int member);

    /** Starts a killed member again and waits until the ensemble serves on it. */
    void restart(int member);

    @Override
    void close();
}
