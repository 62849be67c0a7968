package dev.elector.test;

import dev.elector.Coordinator;
import dev.elector.test.cluster.ClusterUnderTest;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A cluster for a user's test, as {@link ElectorCluster} hands it over: URIs under the test's own
 * namespace, coordinators that are closed after the test, and faults. Member faults act on real
 * processes; the in-memory tier has no members and refuses them with the reason.
 */
public interface TestCluster {
    /**
     * The handle over a real cluster that someone else started and stops, such as a backend author's own
     * in the {@link dev.elector.test.contract.ElectionContract contract suite}, which runs the README's
     * testing example through it: users' tests can then run on that cluster unchanged.
     *
     * @param cluster the cluster
     * @param namespace where the handle's URIs point, for the whole life of the handle
     * @param owner is handed every coordinator and route the handle opens, and closes them
     * @return the handle; its {@link #backend()} is null if the cluster is none of the kit's own
     */
    static TestCluster over(ClusterUnderTest cluster, String namespace, Consumer<AutoCloseable> owner) {
        return new RealTestCluster(RealTestCluster.tierOf(cluster), cluster, cluster.sessionTimeout(), new Opened(namespace, owner));
    }

    /**
     * The tier.
     *
     * @return the backend; null for a cluster of a backend the kit has no tier for (see {@link #over})
     */
    ElectorCluster.Backend backend();

    /**
     * A URI to every member, under this test's namespace, with the annotation's session timeout.
     *
     * @return the URI
     */
    String uri();

    /**
     * Connects a coordinator to {@link #uri()}; it is closed after the test, if the test did not.
     *
     * @return a connected coordinator
     */
    Coordinator connect();

    /**
     * Opens a route of its own to every member, through proxies the test can cut; closed after the test.
     *
     * @return the route
     * @throws UnsupportedOperationException on the in-memory tier, which has no network
     */
    Route route();

    /**
     * Connects a coordinator through {@code route}; it is closed after the test, if the test did not.
     *
     * @param route a route of this cluster
     * @return a connected coordinator
     */
    Coordinator connect(Route route);

    /**
     * The session timeout the URIs ask for.
     *
     * @return the session timeout
     */
    Duration sessionTimeout();

    /**
     * The number of members; 0 for the in-memory tier.
     *
     * @return the members
     */
    int members();

    /**
     * The in-memory tier's clock; empty on real clusters, whose servers keep their own time.
     *
     * @return the clock
     */
    Optional<ManualClock> clock();

    /**
     * Lets time pass: on the in-memory tier it moves the {@link ManualClock} (renewals, deadlines and
     * retries that fall due run now); on a real cluster it waits, as time must really pass there.
     *
     * @param by how long
     */
    void advance(Duration by);

    /**
     * SIGKILLs a member.
     *
     * @param member 0 to {@link #members()} - 1
     */
    void kill(int member);

    /**
     * Starts a killed member again on its data and waits until it serves.
     *
     * @param member 0 to {@link #members()} - 1
     */
    void restart(int member);

    /**
     * SIGSTOPs a member, as a long GC pause or a frozen VM would.
     *
     * @param member 0 to {@link #members()} - 1
     */
    void pause(int member);

    /**
     * SIGCONTs a paused member.
     *
     * @param member 0 to {@link #members()} - 1
     */
    void resume(int member);

    /** Kills and restarts each member in turn, waiting for each to serve before the next. */
    void rollingRestart();

    /** Kills a majority of the members: nothing can be renewed or elected until {@link #restoreQuorum()}. */
    void loseQuorum();

    /** Restarts the members {@link #loseQuorum()} killed. */
    void restoreQuorum();

    /**
     * Deletes a participant's entry with the backend's own client, as an operator would.
     *
     * @param election the election's name
     * @param participantId the participant
     */
    void deleteEntry(String election, String participantId);

    /**
     * Ends the session of the participant's coordinator on the server, with all its entries, as a server
     * does when it stops hearing from a client: in memory at once; on etcd by revoking its lease; on
     * ZooKeeper by attaching a second client to the session and closing it. The participant learns of it
     * as it would then, and joins again on a new session.
     *
     * @param election an election the participant stands in
     * @param participantId the participant
     */
    void expireSession(String election, String participantId);

    /**
     * Whether renewals of the participant's session are answered: refused, its leaders step down at their
     * deadline although the server keeps the session, as when only the answers are lost. In-memory only.
     *
     * @param election an election the participant stands in
     * @param participantId the participant
     * @param refused whether to refuse from now on
     * @throws UnsupportedOperationException on a real cluster
     */
    void refuseRenewals(String election, String participantId, boolean refused);
}
