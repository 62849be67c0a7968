package dev.elector.spring;

import dev.elector.Election;
import dev.elector.Participant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/elector}: the connection and each declared election; {@code /actuator/elector/NAME}
 * adds its queue; a {@code POST} there resigns this instance's term, so that another instance takes over
 * (for example one that runs newer code). Read-only unless {@code management.endpoint.elector.access} is
 * {@code unrestricted}.
 */
@Endpoint(id = "elector", defaultAccess = Access.READ_ONLY)
public final class ElectorEndpoint {
    private final Elections elections;

    /**
     * Creates the endpoint.
     *
     * @param elections the declared elections
     */
    public ElectorEndpoint(Elections elections) {
        this.elections = elections;
    }

    /**
     * The connection and every declared election, without a call to the cluster.
     *
     * @return {@code uri}, {@code connection} and {@code elections}
     */
    @ReadOperation
    public Map<String, Object> elections() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String name : elections.names()) {
            all.put(name, describe(elections, name));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uri", elections.coordinator().uri());
        out.put("connection", elections.coordinator().connectionState().name());
        out.put("elections", all);
        return out;
    }

    /**
     * One election, with its queue read from the cluster.
     *
     * @param name a declared election
     * @return its role, term and participants, head first
     */
    @ReadOperation
    public Map<String, Object> election(@Selector String name) {
        Map<String, Object> out = describe(elections, name);
        List<Map<String, Object>> queue = elections.get(name).participants().stream().map(ElectorEndpoint::participant).toList();
        out.put("participants", queue);
        return out;
    }

    /**
     * Gives up this instance's term in {@code name}; it stays a candidate, at the back of the queue.
     *
     * @param name a declared election
     * @return {@code resigned}: whether a term was ended
     */
    @WriteOperation
    public Map<String, Object> resign(@Selector String name) {
        return Map.of("resigned", elections.get(name).resign());
    }

    /** One election as the endpoint and the health indicator show it, without a call to the cluster. */
    static Map<String, Object> describe(Elections elections, String name) {
        Election e = elections.get(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("participantId", e.participantId());
        out.put("role", e.options().observer() ? "OBSERVER" : e.isLeader() ? "LEADER" : "CANDIDATE");
        e.leadership().ifPresent(t -> {
            out.put("fencingToken", t.fencingToken());
            out.put("validityMillis", t.remaining().toMillis());
        });
        elections.leader(name).ifPresent(p -> out.put("leader", participant(p)));
        return out;
    }

    private static Map<String, Object> participant(Participant p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", p.id());
        out.put("metadata", p.metadata());
        out.put("token", p.token());
        return out;
    }
}
