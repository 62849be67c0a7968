package dev.elector.raft;

import dev.elector.Durations;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;

/**
 * A raft:// URI's settings, validated: the voters, this node (if it is one) and its data directory, and the
 * Raft timing; and the Ratis group and properties made from them, in one place for servers and clients.
 *
 * @param voters the voting nodes, as the group knows them: each one's peer id comes from its address here
 * @param addresses where this JVM reaches each voter, in the same order: the voters' own addresses, unless a
 *     client reaches them through others (a tunnel, a NAT, a proxy)
 * @param self this node, one of the voters; null for a client that only reaches the group
 * @param dataDir this voter's log and snapshots; null for a client
 * @param electionTimeout the shortest Raft election timeout; the longest is twice that
 * @param sessionTimeout the session TTL asked for
 * @param connectTimeout the bound on connecting and on every call
 */
record RaftSettings(List<Endpoint> voters, List<Endpoint> addresses, Endpoint self, Path dataDir, Duration electionTimeout, Duration sessionTimeout,
        Duration connectTimeout) {
    /** The backend's own URI options. */
    static final Set<String> OPTIONS = Set.of("self", "dataDir", "electionTimeout", "evenVoters", "voters");
    /** One group for every namespace: a namespace is a key prefix in it, as on ZooKeeper and etcd. */
    static final RaftGroupId GROUP = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("dev.elector.raft".getBytes(StandardCharsets.UTF_8)));
    /** A client's wait for one reply before it tries again, at the same node or the next. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofSeconds(1);

    static RaftSettings of(ConnectionSpec spec) {
        Map<String, String> p = spec.parameters();
        List<Endpoint> addresses = spec.endpoints();
        List<Endpoint> voters = p.containsKey("voters") ? java.util.Arrays.stream(p.get("voters").split(",", -1)).map(RaftSettings::endpoint).toList()
                : addresses;
        if (p.containsKey("voters")) {
            if (voters.size() != addresses.size()) {
                throw new IllegalArgumentException("voters lists " + voters.size() + " voters for " + addresses.size()
                        + " addresses: one voter for each address, in the same order");
            }
        }
        if (spec.options().tls().isPresent() || spec.options().credentials().isPresent()) {
            // Better refused than ignored: a user who asked for TLS must not run without it unknowingly.
            throw new IllegalArgumentException("raft:// takes no TLS or credentials yet: its Raft ports are plain gRPC;"
                    + " keep them on a private network, or use zk:// or etcd:// where the cluster must be secured");
        }
        Endpoint self = null;
        if (p.containsKey("self")) {
            String given = p.get("self");
            self = voters.stream().filter(v -> v.toString().equals(given) || (v.host() + ":" + v.port()).equals(given)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("self '" + given + "' is not one of the voters " + voters
                            + ": a voter names itself as the URI lists it, host:port"));
        }
        Path dataDir = null;
        if (p.containsKey("dataDir")) {
            if (self == null) {
                throw new IllegalArgumentException("dataDir is a voter's setting: give self=host:port as well, or leave both out to take part as a client");
            }
            if (p.get("dataDir").isBlank()) {
                throw new IllegalArgumentException("dataDir must name a directory, got an empty value");
            }
            dataDir = Path.of(p.get("dataDir")).toAbsolutePath();
        } else if (self != null) {
            throw new IllegalArgumentException("a voter needs dataDir=PATH, a directory that survives restarts: a node that forgets its log"
                    + " could vote twice in a term and hand out a fencing token again");
        }
        Duration electionTimeout = DEFAULT_ELECTION_TIMEOUT;
        if (p.containsKey("electionTimeout")) {
            if (self == null) {
                throw new IllegalArgumentException("electionTimeout is a voter's setting: give self=host:port as well");
            }
            electionTimeout = Durations.parse("electionTimeout", p.get("electionTimeout"));
            if (electionTimeout.compareTo(Duration.ofMillis(100)) < 0 || electionTimeout.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("electionTimeout " + Durations.format(electionTimeout) + " must be from 100ms to 10s");
            }
        }
        if (p.containsKey("evenVoters") && self == null) {
            throw new IllegalArgumentException("evenVoters is a voter's setting: give self=host:port as well");
        }
        if (self != null) {
            boolean evenAllowed = "allow".equals(p.get("evenVoters"));
            if (p.containsKey("evenVoters") && !evenAllowed) {
                throw new IllegalArgumentException("evenVoters takes 'allow', got '" + p.get("evenVoters") + "'");
            }
            if (voters.size() < 3) {
                throw new IllegalArgumentException("a Raft group needs at least 3 voters, got " + voters.size() + " " + voters
                        + ": with fewer, one node's failure stops every election");
            }
            if (voters.size() % 2 == 0 && !evenAllowed) {
                throw new IllegalArgumentException(voters.size() + " voters tolerate no more failures than " + (voters.size() - 1)
                        + " and need a larger majority: use an odd number, or add evenVoters=allow");
            }
            if (voters.stream().distinct().count() != voters.size()) {
                throw new IllegalArgumentException("a voter is listed twice in " + voters);
            }
        }
        RaftSettings settings = new RaftSettings(voters, addresses, self, dataDir, electionTimeout, spec.options().sessionTimeout(), spec.options().connectTimeout());
        String tooShort = self == null ? null : tooShort(settings.sessionTimeout(), settings.minimumSessionTimeout());
        if (tooShort != null) {
            throw new IllegalArgumentException(tooShort);
        }
        return settings;
    }

    /**
     * Why a session timeout is refused, or null if it is long enough; the one wording of the rule, for a
     * voter's own URI check and for the group's leader refusing a client.
     */
    static String tooShort(Duration sessionTimeout, Duration minimum) {
        return sessionTimeout.compareTo(minimum) >= 0 ? null : "sessionTimeout " + Durations.format(sessionTimeout)
                + " is shorter than this Raft group allows: at least " + Durations.format(minimum)
                + ", three times its longest election timeout, so that a renewal outlives a change of Raft leader";
    }

    /** Three times the longest election timeout: a renewal must outlive a change of Raft leader. */
    Duration minimumSessionTimeout() {
        return electionTimeout.multipliedBy(2).multipliedBy(3);
    }

    static RaftPeerId id(Endpoint endpoint) {
        return RaftPeerId.valueOf(endpoint.host().replace(':', '_') + "_" + endpoint.port());
    }

    /** The group, each voter at the address this JVM reaches it by. */
    RaftGroup group() {
        return RaftGroup.valueOf(GROUP, java.util.stream.IntStream.range(0, voters.size())
                .mapToObj(i -> RaftPeer.newBuilder().setId(id(voters.get(i))).setAddress(addresses.get(i).toString()).build()).toList());
    }

    /** A voter's {@code host:port}, as the voters option lists it. */
    static Endpoint endpoint(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("voter '" + address + "' must be host:port");
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new Endpoint(address.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("voter '" + address + "' has no valid port: it must be host:port with a port from 1 to 65535");
        }
    }

    /** Properties a client and a server share. */
    RaftProperties properties() {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(REQUEST_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        // Above core's calls in flight (see RaftBackend.maxCallsInFlight): Ratis blocks the sender beyond it.
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(properties, 1024);
        return properties;
    }

    /**
     * A client of the group. Ratis tries a request again, every 100 ms, until the connect timeout has passed
     * since it was made, then gives up on it; so no request outlives the call that made it by much, and
     * Ratis's cache of replies to retried requests (60 s) outlives every retry.
     */
    RaftClient client() {
        TimeDuration pause = TimeDuration.valueOf(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        TimeDuration limit = TimeDuration.valueOf(connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        RequestTypeDependentRetryPolicy.Builder retry = RequestTypeDependentRetryPolicy.newBuilder();
        for (RaftClientRequestProto.TypeCase type : List.of(RaftClientRequestProto.TypeCase.WRITE, RaftClientRequestProto.TypeCase.READ,
                RaftClientRequestProto.TypeCase.STALEREAD, RaftClientRequestProto.TypeCase.WATCH)) {
            retry.setRetryPolicy(type, RetryPolicies.retryForeverWithSleep(pause)).setTimeout(type, limit);
        }
        return RaftClient.newBuilder().setProperties(properties()).setRaftGroup(group()).setRetryPolicy(retry.build()).build();
    }
}
