package dev.elector.cli;

/** Help text that several commands share, so it is written once. */
final class Help {
    static final String URI_FOOTER = """

            URI: zk://HOST[:PORT][,HOST[:PORT]...]/NAMESPACE[?OPTION=VALUE&...]
                 etcd://HOST[:PORT][,HOST[:PORT]...]/NAMESPACE[?OPTION=VALUE&...]
              The path is the namespace, and a namespace without a path is /elector: every
              process of one election must use the same one. The dev-server prints its URI.
              sessionTimeout  how soon a crashed leader is replaced, default 10s. ZooKeeper grants
                              2 to 20 ticks (4s to 40s by default, 1s to 10s on the dev-server);
                              etcd takes whole seconds, at least about 1.5 times its election timeout.
              connectTimeout  how long connecting may take before it fails, default 5s
              safetyMargin    how long before the server could expire the session a leader steps
                              down, default a fifth of sessionTimeout, at most half of it
              tls=true|false  TLS with the system's CAs (or --cacert); acl=creator|creator-read|open (zk)
              Durations: 500ms, 10s, 2m, 1h or ISO-8601 such as PT10S.""";

    static final String EXIT_CODES_STATUS = """

            Exit codes: 0 done, 1 the cluster could not be reached or refused, 2 a wrong command line.""";

    private Help() {
    }
}
