package dev.elector;

import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Endpoint;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code scheme://host[:port][,host[:port]...][/namespace][?option=value&...]}. Hand-written
 * because {@link java.net.URI} does not accept the comma-separated host lists ZooKeeper and etcd use.
 */
final class Uris {
    /** Where elections live when the URI names no namespace, so the cluster's root stays clean. */
    static final String DEFAULT_NAMESPACE = "elector";
    static final String FORM = "scheme://host[:port][,host[:port]...][/namespace][?option=value&...]";

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]");

    private Uris() {
    }

    static String scheme(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must not be empty; expected " + FORM);
        }
        int sep = uri.indexOf("://");
        String scheme = sep < 0 ? "" : uri.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!SCHEME.matcher(scheme).matches()) {
            throw new IllegalArgumentException("uri '" + Checks.printable(uri) + "' is malformed: expected " + FORM);
        }
        return scheme;
    }

    static ConnectionSpec parse(String uri, int defaultPort, CoordinatorOptions options) {
        return parse(uri, defaultPort, options, Set.of());
    }

    /**
     * @param backendOptions the query options the scheme's backend takes besides core's, handed to it in
     *     {@link ConnectionSpec#parameters()}
     */
    static ConnectionSpec parse(String uri, int defaultPort, CoordinatorOptions options, Set<String> backendOptions) {
        String scheme = scheme(uri);
        String rest = uri.substring(scheme.length() + 3);
        refuseUserInfo(uri, rest);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        CoordinatorOptions effective = options(uri, query, options, backendOptions, parameters);
        return new ConnectionSpec(uri, scheme, endpoints(uri, rest, defaultPort), namespace(uri, path), effective, parameters);
    }

    /**
     * A URI is logged, printed in errors and shown by {@code elector status}, so a user-info part is refused,
     * and the message shows only what follows it.
     */
    private static void refuseUserInfo(String uri, String rest) {
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int at = rest.indexOf(c);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        int at = rest.lastIndexOf('@', end - 1);
        if (at >= 0) {
            throw new IllegalArgumentException("uri '" + uri.substring(0, uri.indexOf("://") + 3) + "***@" + Checks.printable(rest.substring(at + 1))
                    + "' carries credentials, which do not belong in a URI: it is logged and shown. Pass them as "
                    + "CoordinatorOptions.credentials(Credentials.password(user, passwordSupplier)) (CLI: --user and --password-file)");
        }
    }

    private static List<Endpoint> endpoints(String uri, String authority, int defaultPort) {
        if (authority.isEmpty()) {
            throw new IllegalArgumentException("uri '" + Checks.printable(uri) + "' names no host: expected " + FORM);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String part : authority.split(",", -1)) {
            int colon = part.lastIndexOf(':');
            String host = part;
            int port = defaultPort;
            if (colon >= 0 && colon > part.lastIndexOf(']')) {
                host = part.substring(0, colon);
                port = port(uri, part.substring(colon + 1));
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("uri '" + Checks.printable(uri) + "' has an invalid host '" + Checks.printable(host)
                        + "': expected a host name, an IPv4 address or a bracketed IPv6 address");
            }
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            endpoints.add(new Endpoint(host, port));
        }
        return endpoints;
    }

    private static int port(String uri, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("uri '" + Checks.printable(uri) + "' has an invalid port '" + Checks.printable(text)
                + "': a port is a number from 1 to 65535");
    }

    private static String namespace(String uri, String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (trimmed.isEmpty()) {
            return DEFAULT_NAMESPACE;
        }
        for (String segment : trimmed.split("/", -1)) {
            try {
                Checks.name("namespace segment", segment);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("uri '" + Checks.printable(uri) + "' has an invalid namespace: " + e.getMessage(), e);
            }
        }
        return trimmed;
    }

    private static CoordinatorOptions options(String uri, String query, CoordinatorOptions base, Set<String> backendOptions,
            Map<String, String> parameters) {
        if (query.isEmpty()) {
            return base;
        }
        CoordinatorOptions.Builder builder = base.toBuilder();
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            switch (key) {
                case "sessionTimeout" -> builder.sessionTimeout(Durations.parse(key, value));
                case "connectTimeout" -> builder.connectTimeout(Durations.parse(key, value));
                case "safetyMargin" -> builder.safetyMargin(Durations.parse(key, value));
                case "tls" -> builder.tls(tls(value, base));
                default -> {
                    if (!backendOptions.contains(key)) {
                        // Only the key: the value of an option that is not known may be a secret put in the wrong place.
                        Set<String> known = new TreeSet<>(Set.of("sessionTimeout", "connectTimeout", "safetyMargin", "tls"));
                        known.addAll(backendOptions);
                        throw new IllegalArgumentException("uri '" + Checks.printable(uri.substring(0, uri.indexOf('?'))) + "?...' has an unknown option '"
                                + Checks.printable(key) + "': known options are " + String.join(", ", known));
                    }
                    parameters.put(key, value);
                }
            }
        }
        return builder.build();
    }

    /** {@code tls=true} turns TLS on with default trust unless the options carry TLS settings; {@code false} turns it off. */
    private static Tls tls(String value, CoordinatorOptions base) {
        return switch (value) {
            case "true" -> base.tls().orElse(Tls.defaultTrust());
            case "false" -> null;
            default -> throw new IllegalArgumentException("tls '" + Checks.printable(value) + "' must be true or false");
        };
    }
}
