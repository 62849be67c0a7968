package dev.elector.raft;

import dev.elector.CoordinatorUnavailableException;
import dev.elector.Participant;
import dev.elector.spi.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * An operator's client of a raft:// group, as {@code zkCli} or {@code etcdctl} are for the other backends:
 * it reads an election's entries, deletes one, and moves the group's Raft leadership to another voter
 * (before maintenance of a node). It opens no session and stands in no election.
 */
public final class RaftAdmin implements AutoCloseable {
    private final RaftSettings settings;
    private final RaftClient client;

    private RaftAdmin(RaftSettings settings) {
        this.settings = settings;
        this.client = settings.client();
    }

    /**
     * A client of the group.
     *
     * @param voters the voters' addresses, {@code host:port}, as a raft:// URI lists them
     * @param timeout the bound on each call
     * @return the client; close it
     */
    public static RaftAdmin connect(List<String> voters, Duration timeout) {
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("voters must name at least one voter, host:port");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + dev.elector.Durations.format(timeout));
        }
        List<Endpoint> endpoints = voters.stream().map(RaftSettings::endpoint).toList();
        return new RaftAdmin(new RaftSettings(endpoints, endpoints, null, null, Duration.ofSeconds(1), Duration.ofSeconds(10), timeout));
    }

    /**
     * An election's candidates in queue order, head (the leader) first.
     *
     * @param namespace the namespace, as in the URI's path, without slashes around it
     * @param election the election's name
     * @return the candidates, with their ids, metadata and fencing tokens
     */
    public List<Participant> participants(String namespace, String election) {
        List<Participant> participants = new ArrayList<>();
        for (Wire.Stored s : Wire.entries(call(client.async().sendReadOnlyUnordered(Wire.message(new Wire.ListEntries(key(namespace, election))))))) {
            participants.add(s.toEntry(election).toParticipant());
        }
        return participants;
    }

    /**
     * Deletes a candidate's entry whoever owns it, as an operator would; its holder stops leading and joins
     * again, as after an expiry.
     *
     * @param namespace the namespace
     * @param election the election's name
     * @param token the entry's fencing token, as {@link #participants} shows it
     */
    public void deleteEntry(String namespace, String election, long token) {
        call(client.async().send(Wire.message(new Wire.Remove(key(namespace, election), token))));
    }

    /**
     * Ends the session that holds a candidate's entry, with every entry of that session, as the group does
     * when the session's TTL runs out; its coordinator learns of it at its next renewal or from its watches.
     *
     * @param namespace the namespace
     * @param election the election's name
     * @param token the entry's fencing token, as {@link #participants} shows it
     * @throws IllegalStateException if no entry has that token
     */
    public void endSessionOf(String namespace, String election, long token) {
        long session = Wire.entries(call(client.async().sendReadOnlyUnordered(Wire.message(new Wire.ListEntries(key(namespace, election))))))
                .stream().filter(s -> s.index() == token).findFirst()
                .orElseThrow(() -> new IllegalStateException("no entry with token " + token + " in " + key(namespace, election))).session();
        call(client.async().send(Wire.message(new Wire.Close(session))));
    }

    /**
     * Makes another voter the group's Raft leader. Elector's leaders keep their terms: Raft's leader only
     * orders the log.
     *
     * @param voter the voter's address, {@code host:port}
     */
    public void transferLeadership(String voter) {
        try {
            RaftClientReply reply = client.admin().transferLeadership(RaftSettings.id(RaftSettings.endpoint(voter)), settings.connectTimeout().toMillis());
            if (!reply.isSuccess()) {
                throw new CoordinatorUnavailableException("Could not move Raft leadership to " + voter + ": " + reply.getException(), reply.getException());
            }
        } catch (IOException e) {
            throw new CoordinatorUnavailableException("Could not move Raft leadership to " + voter + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes a voter write a snapshot of the registry now and drop the log before it, as it does on its own
     * every 10,000 commands: before maintenance, or to bound a restart's replay.
     *
     * @param voter the voter's address, {@code host:port}
     * @return the log index the snapshot holds everything up to
     */
    public long takeSnapshot(String voter) {
        try {
            RaftClientReply reply = client.getSnapshotManagementApi(RaftSettings.id(RaftSettings.endpoint(voter)))
                    .create(true, settings.connectTimeout().toMillis());
            if (!reply.isSuccess()) {
                throw new CoordinatorUnavailableException("Could not take a snapshot on " + voter + ": " + reply.getException(), reply.getException());
            }
            return reply.getLogIndex();
        } catch (IOException e) {
            throw new CoordinatorUnavailableException("Could not take a snapshot on " + voter + ": " + e.getMessage(), e);
        }
    }

    private static String key(String namespace, String election) {
        return Wire.election(namespace, election);
    }

    private Message call(java.util.concurrent.CompletableFuture<RaftClientReply> call) {
        try {
            RaftClientReply reply = call.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!reply.isSuccess()) {
                throw new CoordinatorUnavailableException("The Raft group " + settings.voters() + " refused: " + reply.getException(), reply.getException());
            }
            return reply.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("Interrupted while waiting for the Raft group " + settings.voters(), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new CoordinatorUnavailableException("The Raft group " + settings.voters() + " did not answer within "
                    + dev.elector.Durations.format(settings.connectTimeout()) + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "RaftAdmin" + Arrays.asList(settings.voters().toArray());
    }
}
