package dev.elector.test.cluster;

/** Three real ZooKeeper servers, reachable from the tests, whose members can be paused. */
public interface ZooKeeperEnsemble extends AutoCloseable {
    /**
     * Number of members.
     *
     * @return the member count
     */
    int size();

    /**
     * {@code host:port} of one member's client port, as the tests reach it.
     *
     * @param member 0 to size() - 1
     * @return the address
     */
    String address(int member);

    /**
     * Stops a member without ending it, so that it holds its sessions but answers nothing.
     *
     * @param member 0 to size() - 1
     */
    void pause(int member);

    /**
     * The PKI of a secured ensemble, whose client ports take TLS with client certificates; null if plain.
     *
     * @return the PKI, or null; by default null
     */
    default dev.elector.test.cluster.Pki pki() {
        return null;
    }

    /**
     * Lets a paused member run again.
     *
     * @param member 0 to size() - 1
     */
    void resume(int member);

    /**
     * Stops a member at once, keeping its data, as a crash would.
     *
     * @param member 0 to size() - 1
     */
    void kill(int member);

    /**
     * Starts a killed member again and waits until the ensemble serves on it.
     *
     * @param member 0 to size() - 1
     */
    void restart(int member);

    @Override
    void close();
}
