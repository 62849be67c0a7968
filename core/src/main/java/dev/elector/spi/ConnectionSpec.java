package dev.elector.spi;

import dev.elector.CoordinatorOptions;
import java.util.List;

/**
 * A parsed, validated connection URI, handed to a {@link BackendProvider}.
 *
 * @param uri the URI as given, for messages
 * @param scheme the scheme, such as {@code zk}
 * @param endpoints the servers, at least one
 * @param namespace slash-separated path segments under which all elections live, never empty
 * @param options the effective options, URI parameters applied
 */
public record ConnectionSpec(String uri, String scheme, List<Endpoint> endpoints, String namespace, CoordinatorOptions options) {
    /**
     * Copies the endpoint list.
     *
     * @param uri the URI as given
     * @param scheme the scheme
     * @param endpoints the servers
     * @param namespace the namespace path
     * @param options the effective options
     */
    public ConnectionSpec {
        endpoints = List.copyOf(endpoints);
    }
}
