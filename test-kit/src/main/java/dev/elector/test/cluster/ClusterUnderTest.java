package dev.elector.test.cluster;

import java.time.Duration;
import java.util.List;

/**
 * A real cluster of one backend, as the contract suite needs it. Each backend's suite provides one, by
 * processes on loopback or by Testcontainers where Docker runs.
 */
public interface ClusterUnderTest extends AutoCloseable {
    /**
     * The backend's name, as in the report.
     *
     * @return the name, such as {@code "etcd"}
     */
    String backendName();

    /**
     * Number of members.
     *
     * @return the member count
     */
    int size();

    /**
     * The session timeout every URI below asks for.
     *
     * @return the session timeout
     */
    Duration sessionTimeout();

    /**
     * A URI to all members, with the suite's timeouts, under {@code namespace}.
     *
     * @param namespace the namespace the URI's elections live under
     * @return the URI
     */
    String uri(String namespace);

    /**
     * A URI to one member only, so that pausing it cuts this client off.
     *
     * @param member 0 to size() - 1
     * @param namespace the namespace the URI's elections live under
     * @return the URI
     */
    String uriForMember(int member, String namespace);

    /**
     * A URI to every member but one.
     *
     * @param member the member to leave out, 0 to size() - 1
     * @param namespace the namespace the URI's elections live under
     * @return the URI
     */
    String uriWithoutMember(int member, String namespace);

    /**
     * A URI that asks for a session timeout the servers refuse.
     *
     * @param namespace the namespace the URI's elections live under
     * @return the URI
     */
    String uriWithRefusedSessionTimeout(String namespace);

    /**
     * A URI of the right scheme where nothing listens, with {@code connectTimeout}.
     *
     * @param connectTimeout how long a client tries to connect before it gives up
     * @return the URI
     */
    String unreachableUri(Duration connectTimeout);

    /**
     * The members' client addresses, {@code host:port}, in member order.
     *
     * @return the addresses
     */
    List<String> addresses();

    /**
     * A URI to the given addresses (such as proxies in front of the members), with the suite's timeouts.
     *
     * @param addresses {@code host:port} of each server to connect to
     * @param namespace the namespace the URI's elections live under
     * @return the URI
     */
    String uriFor(List<String> addresses, String namespace);

    /**
     * SIGKILLs a member.
     *
     * @param member 0 to size() - 1
     */
    void kill(int member);

    /**
     * Starts a killed member again on its data and ports, and waits until it serves.
     *
     * @param member 0 to size() - 1
     */
    void restart(int member);

    /**
     * The options every coordinator of the suite connects with: TLS and credentials on a secured cluster.
     *
     * @return the options; by default {@link dev.elector.CoordinatorOptions#defaults()}
     */
    default dev.elector.CoordinatorOptions options() {
        return dev.elector.CoordinatorOptions.defaults();
    }

    /**
     * JVM arguments that give a participant in a child JVM the same {@link #options()}.
     *
     * @return the arguments; by default none
     */
    default List<String> childJvmArgs() {
        return List.of();
    }

    /**
     * The candidate entries left under an election, for leak checks.
     *
     * @param namespace the namespace the election lives under
     * @param election the election's name
     * @return the number of entries; 0 if there are none
     */
    int entries(String namespace, String election);

    /**
     * The leases the cluster holds now (etcd); empty where the backend has none.
     *
     * @return the lease ids
     */
    default java.util.Set<String> leases() {
        return java.util.Set.of();
    }

    /**
     * Stops a member with SIGSTOP.
     *
     * @param member 0 to size() - 1
     */
    void pause(int member);

    /**
     * Resumes a member with SIGCONT.
     *
     * @param member 0 to size() - 1
     */
    void resume(int member);

    /**
     * Deletes a participant's candidate entry with the backend's own client, as an operator would.
     *
     * @param namespace the namespace the election lives under
     * @param election the election's name
     * @param participantId the participant whose entry goes
     * @throws IllegalStateException if the participant has no entry there
     */
    void deleteEntry(String namespace, String election, String participantId);

    /**
     * Ends the session (or lease) that holds a participant's entry, on the server and with all its entries,
     * as the server does when it stops hearing from the client; the client learns of it as it would then.
     *
     * @param namespace the namespace the election lives under
     * @param election the election's name
     * @param participantId the participant whose session ends
     * @throws IllegalStateException if the participant has no entry there
     * @throws UnsupportedOperationException by default: a backend's cluster says how its sessions end early
     */
    default void expireSession(String namespace, String election, String participantId) {
        throw new UnsupportedOperationException(backendName() + "'s cluster cannot expire a session: implement ClusterUnderTest.expireSession");
    }

    /** Stops every member and deletes its data. */
    @Override
    void close();
}
