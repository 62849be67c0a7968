package dev.elector;

import java.time.Duration;
import java.util.Optional;

/**
 * Immutable, validated settings of a {@link Coordinator}. The defaults and why:
 * <ul>
 *   <li>{@code sessionTimeout} 10 s: a crashed leader is replaced after about this long, and a pause or
 *       network blip shorter than about two thirds of it goes unnoticed. Curator's 60 s default fails over
 *       too slowly for most jobs; below a few seconds, GC pauses start to cost leadership. It must lie
 *       within the server's bounds (ZooKeeper: 2 to 20 ticks, 4 s to 40 s by default).</li>
 *   <li>{@code connectTimeout} 5 s: how long {@code connect} and each reconnect may take before it fails,
 *       so an unreachable cluster is reported, never waited on forever.</li>
 *   <li>{@code safetyMargin} a fifth of the session timeout: a leader steps down this long before the
 *       server could expire its session, measured from the send time of the last acknowledged renewal.
 *       It covers timer lateness and the server's own bookkeeping delay.</li>
 *   <li>{@code tls} and {@code credentials} unset: plaintext and anonymous, as a development cluster runs.
 *       Secrets go here, never into the URI, which is logged and shown; see {@link Tls} and
 *       {@link Credentials}.</li>
 * </ul>
 */
public final class CoordinatorOptions {
    private static final CoordinatorOptions DEFAULTS = builder().build();

    private final Duration sessionTimeout;
    private final Duration connectTimeout;
    private final Duration safetyMargin;
    /** Kept apart from the derived value so that a later sessionTimeout change re-derives the margin. */
    private final Duration explicitMargin;
    private final Tls tls;
    private final Credentials credentials;
    private final Clock clock;

    private CoordinatorOptions(Builder b) {
        this.clock = b.clock;
        this.explicitMargin = b.safetyMargin;
        this.tls = b.tls;
        this.credentials = b.credentials;
        this.sessionTimeout = Checks.timeout("sessionTimeout", b.sessionTimeout);
        this.connectTimeout = Checks.timeout("connectTimeout", b.connectTimeout);
        this.safetyMargin = b.safetyMargin == null ? sessionTimeout.dividedBy(5) : Checks.positive("safetyMargin", b.safetyMargin);
        if (safetyMargin.compareTo(sessionTimeout.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("safetyMargin " + Durations.format(safetyMargin) + " must be at most half of sessionTimeout "
                    + Durations.format(sessionTimeout) + ", or a leader would step down before its first renewal");
        }
    }

    /**
     * The defaults described above.
     *
     * @return the default options
     */
    public static CoordinatorOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sessionTimeout = sessionTimeout;
        b.connectTimeout = connectTimeout;
        b.safetyMargin = explicitMargin;
        b.tls = tls;
        b.credentials = credentials;
        b.clock = clock;
        return b;
    }

    /**
     * The clock a test gave, if any.
     *
     * @return the clock, or empty for the system's
     */
    public Optional<Clock> clock() {
        return Optional.ofNullable(clock);
    }

    /**
     * The requested ZooKeeper session timeout or etcd lease TTL.
     *
     * @return the session timeout
     */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /**
     * How long connecting may take before it fails.
     *
     * @return the connect timeout
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long before the server could expire the session a leader steps down.
     *
     * @return the safety margin
     */
    public Duration safetyMargin() {
        return safetyMargin;
    }

    /**
     * The TLS settings; set, every connection to the cluster uses TLS.
     *
     * @return the settings, or empty for plaintext
     */
    public Optional<Tls> tls() {
        return Optional.ofNullable(tls);
    }

    /**
     * The user and password source, for clusters that require credentials.
     *
     * @return the credentials, or empty for none
     */
    public Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    /** Names the user, never the password. */
    @Override
    public String toString() {
        return "CoordinatorOptions{sessionTimeout=" + Durations.format(sessionTimeout) + ", connectTimeout=" + Durations.format(connectTimeout)
                + ", safetyMargin=" + Durations.format(safetyMargin) + ", tls=" + (tls == null ? "off" : tls)
                + ", credentials=" + (credentials == null ? "none" : credentials.user()) + "}";
    }

    /** Builds {@link CoordinatorOptions}; every value is checked in {@link #build()}. */
    public static final class Builder {
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration safetyMargin;
        private Tls tls;
        private Credentials credentials;
        private Clock clock;

        private Builder() {
        }

        /**
         * For tests: runs the coordinator's deadlines and timers on {@code value} instead of the system's
         * monotonic clock and a timer thread. With a clock that moves only when the test says, a session
         * timeout passes in no time. A real cluster's server keeps its own time, so use this with an
         * in-memory backend such as {@code elector-test}'s {@code mem://}.
         *
         * @param value the clock, or {@code null} for the system's
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /**
         * Connects with TLS.
         *
         * @param value the trust and client certificate, or {@code null} for plaintext
         * @return this builder
         */
        public Builder tls(Tls value) {
            this.tls = value;
            return this;
        }

        /**
         * Authenticates with a user and password: etcd's users, ZooKeeper's digest scheme.
         *
         * @param value the credentials, or {@code null} for none
         * @return this builder
         */
        public Builder credentials(Credentials value) {
            this.credentials = value;
            return this;
        }

        /**
         * Sets the session timeout (ZooKeeper) or lease TTL (etcd).
         *
         * @param value positive, within the server's bounds
         * @return this builder
         */
        public Builder sessionTimeout(Duration value) {
            this.sessionTimeout = value;
            return this;
        }

        /**
         * Sets how long connecting may take.
         *
         * @param value positive
         * @return this builder
         */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /**
         * Sets the safety margin; unset, it is a fifth of the session timeout.
         *
         * @param value positive, at most half the session timeout
         * @return this builder
         */
        public Builder safetyMargin(Duration value) {
            this.safetyMargin = value;
            return this;
        }

        /**
         * Checks the values and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first value that breaks a rule
         */
        public CoordinatorOptions build() {
            return new CoordinatorOptions(this);
        }
    }
}
