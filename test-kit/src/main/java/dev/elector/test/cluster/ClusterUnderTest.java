package dev.elector.test.cluster;

import java.time.Duration;
import java.util.List;

/**
 * A real cluster of one backend, as the contract suite needs it. Each backend's suite provides one, by
 * processes on loopback or by Testcontainers where Docker runs.
 */
public interface ClusterUnderTest extends AutoCloseable {
    /** The backend's name, as in the report. */
    String backendName();

    /** Number of members. */
    int size();

    /** The session timeout every URI below asks for. */
    Duration sessionTimeout();

    /** A URI to all members, with the suite's timeouts, under {@code namespace}. */
    String uri(String namespace);

    /** A URI to one member only, so that pausing it cuts this client off. */
    String uriForMember(int member, String namespace);

    /** A URI to every member but one. */
    String uriWithoutMember(int member, String namespace);

    /** A URI that asks for a session timeout the servers refuse. */
    String uriWithRefusedSessionTimeout(String namespace);

    /** A URI of the right scheme where nothing listens, with {@code connectTimeout}. */
    String unreachableUri(Duration connectTimeout);

    /** The members' client addresses, {@code host:port}, in member order. */
    List<String> addresses();

    /** A URI to the given addresses (such as proxies in front of the members), with the suite's timeouts. */
    String uriFor(List<String> addresses, String namespace);

    /** SIGKILLs a member. */
    void kill(int member);

    /** Starts a killed member again on its data and ports, and waits until it serves. */
    void restart(int member);

    /** The options every coordinator of the suite connects with: TLS and credentials on a secured cluster. */
    default dev.elector.CoordinatorOptions options() {
        return dev.elector.CoordinatorOptions.defaults();
    }

    /** JVM arguments that give a participant in a child JVM the same {@link #options()}. */
    default List<String> childJvmArgs() {
        return List.of();
    }

    /** The candidate entries left under an election, for leak checks. */
    int entries(String namespace, String election);

    /** The leases the cluster holds now (etcd); empty where the backend has none. */
    default java.util.Set<String> leases() {
        return java.util.Set.of();
    }

    /** Stops a member with SIGSTOP. */
    void pause(int member);

    /** Resumes a member with SIGCONT. */
    void resume(int member);

    /** Deletes a participant's candidate entry with the backend's own client, as an operator would. */
    void deleteEntry(String namespace, String election, String participantId);

    /** Stops every member and deletes its data. */
    @Override
    void close();
}
