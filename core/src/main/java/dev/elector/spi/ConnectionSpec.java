package dev.elector.spi;

import dev.elector.CoordinatorOptions;
import java.util.List;
import java.util.Map;

/**
 * A parsed, validated connection URI, handed to a {@link BackendProvider}.
 *
 * @param uri the URI as given, for messages
 * @param scheme the scheme, such as {@code zk}
 * @param endpoints the servers, at least one
 * @param namespace slash-separated path segments under which all elections live, never empty
 * @param options the effective options, URI parameters applied
 * @param parameters the URI's options that are the backend's own (see {@link BackendProvider#uriOptions()}),
 *     in URI order
 */
public record ConnectionSpec(String uri, String scheme, List<Endpoint> endpoints, String namespace, CoordinatorOptions options,
        Map<String, String> parameters) {
    /**
     * Copies the endpoint list.
     *
     * @param uri the URI as given
     * @param scheme the scheme
     * @param endpoints the servers
     * @param namespace the namespace path
     * @param options the effective options
     * @param parameters the backend's own URI options
     */
    public ConnectionSpec {
        endpoints = List.copyOf(endpoints);
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }
}
