package dev.elector.etcd;

import dev.elector.Coordinator;
import dev.elector.CoordinatorOptions;
import io.etcd.jetcd.ClientBuilder;
import java.util.Objects;

/**
 * A coordinator on a jetcd {@link ClientBuilder} the application configured itself: for a custom
 * {@code SslContext}, an authority override, interceptors or rotated credentials. A builder, not a built
 * {@code Client}, because Elector's own watch channel needs what the builder holds and a client hides: the
 * target, the TLS context, the user and password, the authority. Elector builds a copy with its
 * require-leader header and its two callback threads added, owns that client and closes it; the
 * application's builder is not changed.
 *
 * <p>The builder must name its endpoints (its target) and set no jetcd {@code namespace}: Elector's keys
 * live under the {@code namespace} given here, and its watch channel does not apply jetcd's prefix.
 *
 * <pre>{@code
 * ClientBuilder builder = Client.builder().endpoints("https://h1:2379", "https://h2:2379")
 *         .sslContext(mySslContext).user(user).password(password);
 * Coordinator coordinator = EtcdCoordinators.connect(builder, "myapp", CoordinatorOptions.defaults());
 * }</pre>
 */
public final class EtcdCoordinators {
    private EtcdCoordinators() {
    }

    /**
     * Connects with a copy of the application's builder.
     *
     * @param builder with endpoints, and TLS and credentials as the cluster needs
     * @param namespace where the elections live, as in a URI's path
     * @param options timeouts and margins; TLS and credentials belong on the builder, so options that
     *     carry them are refused
     * @return a connected coordinator
     * @throws IllegalArgumentException if the builder names no endpoints, or the options carry TLS or credentials
     * @throws dev.elector.CoordinatorUnavailableException if the cluster was not reached within the connect timeout
     */
    public static Coordinator connect(ClientBuilder builder, String namespace, CoordinatorOptions options) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(options, "options");
        if (options.tls().isPresent() || options.credentials().isPresent()) {
            throw new IllegalArgumentException("TLS and credentials of an application's own jetcd builder are set on it "
                    + "(sslContext, user, password), not in CoordinatorOptions");
        }
        String target = builder.target();
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("the jetcd builder names no endpoints: call endpoints(...) on it first");
        }
        // jetcd's target is ip:///h1:p1,h2:p2 (or dns:///...): its hosts make the URI shown in messages.
        String hosts = target.substring(target.indexOf(":///") >= 0 ? target.indexOf(":///") + 4 : 0);
        return Coordinator.connect("etcd://" + hosts + "/" + namespace, options, new EtcdBackendProvider(builder));
    }
}
