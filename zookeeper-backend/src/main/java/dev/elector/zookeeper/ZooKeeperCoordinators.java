package dev.elector.zookeeper;

import dev.elector.Durations;
import dev.elector.Coordinator;
import dev.elector.CoordinatorOptions;
import dev.elector.CoordinatorUnavailableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;

/**
 * A coordinator on a {@link CuratorFramework} the application built itself: for Kerberos or SASL, its own
 * {@code ZKClientConfig}, ACL provider or retry policy. The client must be started; Elector uses its
 * session (one per client), its authorization and its ACL provider as they are, puts elections under
 * {@code namespace} (which replaces the client's own namespace for Elector's nodes), and leaves the
 * client open when the coordinator closes. The session timeout is the one the client negotiated.
 *
 * <pre>{@code
 * CuratorFramework curator = CuratorFrameworkFactory.builder().connectString("h1:2181,h2:2181")
 *         .sessionTimeoutMs(10_000).retryPolicy(new RetryNTimes(1, 100))
 *         .authorization("digest", "app:secret".getBytes(UTF_8)).aclProvider(creatorOnly).build();
 * curator.start();
 * Coordinator coordinator = ZooKeeperCoordinators.connect(curator, "myapp", CoordinatorOptions.defaults());
 * }</pre>
 */
public final class ZooKeeperCoordinators {
    private ZooKeeperCoordinators() {
    }

    /**
     * Connects on the application's client.
     *
     * @param client a started client; Elector never closes it
     * @param namespace where the elections live, as in a URI's path
     * @param options timeouts and margins; the session timeout is replaced by the client's, and TLS and
     *     credentials belong on the client, so options that carry them are refused
     * @return a connected coordinator
     * @throws IllegalArgumentException if the client is not started, or the options carry TLS or credentials
     * @throws CoordinatorUnavailableException if the client does not connect within the connect timeout
     */
    public static Coordinator connect(CuratorFramework client, String namespace, CoordinatorOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(options, "options");
        if (client.getState() != CuratorFrameworkState.STARTED) {
            throw new IllegalArgumentException("the CuratorFramework is " + client.getState() + ": start it before connecting a coordinator on it");
        }
        if (options.tls().isPresent() || options.credentials().isPresent()) {
            throw new IllegalArgumentException("TLS and credentials of an application's own CuratorFramework are set on it "
                    + "(zkClientConfig, authorization), not in CoordinatorOptions");
        }
        Duration connectTimeout = options.connectTimeout();
        int granted;
        try {
            if (!client.blockUntilConnected(Math.toIntExact(connectTimeout.toMillis()), TimeUnit.MILLISECONDS)) {
                throw new CoordinatorUnavailableException("The application's CuratorFramework did not connect to "
                        + client.getZookeeperClient().getCurrentConnectionString() + " within the connect timeout of " + Durations.format(connectTimeout), null);
            }
            granted = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("Interrupted while waiting for the application's CuratorFramework", e);
        } catch (CoordinatorUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new CoordinatorUnavailableException("The application's CuratorFramework has no ZooKeeper session: " + e, e);
        }
        // A chroot in the connect string is the client's business; the URI is for messages.
        String hosts = client.getZookeeperClient().getCurrentConnectionString().split("/", 2)[0];
        CoordinatorOptions effective = options.toBuilder().sessionTimeout(Duration.ofMillis(granted)).build();
        return Coordinator.connect("zk://" + hosts + "/" + namespace, effective, new ZooKeeperBackendProvider(client));
    }
}
