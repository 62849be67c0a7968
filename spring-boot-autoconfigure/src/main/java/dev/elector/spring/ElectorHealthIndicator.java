package dev.elector.spring;

import dev.elector.ConnectionState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code UP} while the session is proven by renewals, {@code DOWN} while it is suspended or lost,
 * {@code OUT_OF_SERVICE} once closed; with this instance's role in each declared election. Answered
 * locally, without a call to the cluster. Not in the liveness group: a cluster outage must not make the
 * platform restart every instance.
 */
final class ElectorHealthIndicator implements HealthIndicator {
    private final Elections elections;

    ElectorHealthIndicator(Elections elections) {
        this.elections = elections;
    }

    @Override
    public Health health() {
        ConnectionState state = elections.coordinator().connectionState();
        Health.Builder health = switch (state) {
            case CONNECTED -> Health.up();
            case SUSPENDED, SESSION_LOST -> Health.down();
            case CLOSED -> Health.outOfService();
        };
        health.withDetail("uri", elections.coordinator().uri()).withDetail("connection", state.name());
        Map<String, Object> roles = new LinkedHashMap<>();
        for (String name : elections.names()) {
            roles.put(name, ElectorEndpoint.describe(elections, name));
        }
        return health.withDetail("elections", roles).build();
    }
}
