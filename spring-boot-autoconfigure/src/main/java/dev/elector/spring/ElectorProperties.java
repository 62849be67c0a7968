package dev.elector.spring;

import dev.elector.CoordinatorOptions;
import dev.elector.Credentials;
import dev.elector.ElectionOptions;
import dev.elector.Tls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Elector's settings under {@code elector.*}. Bound once at start and immutable.
 *
 * <pre>
 * elector.connect=zk://zk1:2181,zk2:2181,zk3:2181/myapp?sessionTimeout=10s
 * elector.participant-id=${HOSTNAME}
 * elector.elections.reports.role=candidate
 * elector.elections.dashboard.role=observer
 * </pre>
 *
 * @param enabled {@code false} switches the auto-configuration off
 * @param connect the cluster, the same URI as {@code Coordinator.connect} and {@code elector --connect};
 *     its options win over the timeouts below, as in the core
 * @param sessionTimeout the session or lease timeout to ask for; empty for the core's default
 * @param connectTimeout how long start-up waits for the cluster; empty for the core's default
 * @param safetyMargin how long before the session can expire a term ends; empty for the core's default
 * @param participantId this instance's id in every election; empty for the core's {@code host-pid-n}
 * @param metadata free text shown to other participants; empty for none
 * @param tls TLS to the cluster; off unless a file is set
 * @param username the user to authenticate as; empty for none
 * @param password the user's password; never printed
 * @param elections the elections this application takes part in, by name
 */
@ConfigurationProperties("elector")
public record ElectorProperties(
        @DefaultValue("true") boolean enabled,
        String connect,
        Duration sessionTimeout,
        Duration connectTimeout,
        Duration safetyMargin,
        String participantId,
        String metadata,
        @DefaultValue TlsFiles tls,
        String username,
        String password,
        Map<String, ElectionSettings> elections) {

    /**
     * The declared elections.
     *
     * @return every election under {@code elector.elections}, by name; empty if none is declared
     */
    @Override
    public Map<String, ElectionSettings> elections() {
        return elections == null ? Map.of() : Map.copyOf(elections);
    }

    /** How this instance stands in one election. */
    public enum Role {
        /** Stands for leadership. */
        CANDIDATE,
        /** Follows the leader without standing. */
        OBSERVER
    }

    /**
     * One election's settings.
     *
     * @param role {@code candidate} (the default) or {@code observer}
     */
    public record ElectionSettings(@DefaultValue("candidate") Role role) {
    }

    /**
     * PEM files for TLS to the cluster. Boot's SSL bundles hand out key stores, while both backends' clients
     * read PEM files, so the files are named here.
     *
     * @param trustedCertificates the CA certificates to trust; empty with TLS on trusts the JDK's defaults
     * @param certificate this client's certificate chain, for mutual TLS
     * @param privateKey this client's PKCS#8 private key, for mutual TLS
     * @param enabled TLS with the JDK's default trust when no file is set
     */
    public record TlsFiles(Path trustedCertificates, Path certificate, Path privateKey, @DefaultValue("false") boolean enabled) {
        boolean on() {
            return enabled || trustedCertificates != null || certificate != null || privateKey != null;
        }
    }

    /** What {@code Coordinator.connect} takes: the properties' timeouts, TLS and credentials. */
    CoordinatorOptions coordinatorOptions() {
        CoordinatorOptions.Builder b = CoordinatorOptions.builder();
        if (sessionTimeout != null) {
            b.sessionTimeout(sessionTimeout);
        }
        if (connectTimeout != null) {
            b.connectTimeout(connectTimeout);
        }
        if (safetyMargin != null) {
            b.safetyMargin(safetyMargin);
        }
        if (tls.on()) {
            Tls.Builder t = Tls.builder();
            if (tls.trustedCertificates() != null) {
                t.trustedCertificates(tls.trustedCertificates());
            }
            if (tls.certificate() != null || tls.privateKey() != null) {
                if (tls.certificate() == null || tls.privateKey() == null) {
                    throw new IllegalArgumentException("elector.tls.certificate and elector.tls.private-key go together: set both or neither");
                }
                t.keyPair(tls.certificate(), tls.privateKey());
            }
            b.tls(t.build());
        }
        if (username != null && !username.isEmpty()) {
            String secret = Objects.requireNonNullElse(password, "");
            b.credentials(Credentials.password(username, secret::toCharArray));
        } else if (password != null && !password.isEmpty()) {
            throw new IllegalArgumentException("elector.password is set but elector.username is not: set both or neither");
        }
        return b.build();
    }

    /** The options of one participant in {@code name}. */
    ElectionOptions electionOptions(String name) {
        ElectionOptions.Builder b = ElectionOptions.builder().observer(elections.get(name).role() == Role.OBSERVER);
        if (participantId != null && !participantId.isEmpty()) {
            b.participantId(participantId);
        }
        if (metadata != null && !metadata.isEmpty()) {
            b.metadata(metadata);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "ElectorProperties[connect=" + connect + ", sessionTimeout=" + sessionTimeout + ", connectTimeout=" + connectTimeout
                + ", safetyMargin=" + safetyMargin + ", participantId=" + participantId + ", tls=" + tls + ", username=" + username
                + ", password=" + (password == null ? "none" : "(hidden)") + ", elections=" + elections().keySet() + "]";
    }
}
