package dev.elector;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Immutable, validated settings of one participant. By default it is a candidate whose id is
 * {@code host-pid-n}, unique within the JVM, with no metadata.
 */
public final class ElectionOptions {
    private static final int MAX_METADATA_LENGTH = 1024;
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String participantId;
    private final String metadata;
    private final boolean observer;
    private final Executor listenerExecutor;

    private ElectionOptions(Builder b) {
        this.participantId = b.participantId == null ? defaultId() : Checks.noControl("participantId", b.participantId);
        if (participantId.isEmpty() || participantId.length() > Checks.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("participantId '" + participantId + "' must be 1 to " + Checks.MAX_NAME_LENGTH
                    + " characters long");
        }
        this.metadata = Checks.noControl("metadata", b.metadata);
        if (metadata.length() > MAX_METADATA_LENGTH) {
            throw new IllegalArgumentException("metadata is " + metadata.length() + " characters long; the limit is "
                    + MAX_METADATA_LENGTH);
        }
        this.observer = b.observer;
        this.listenerExecutor = b.listenerExecutor;
    }

    /**
     * Options for a candidate with a generated id.
     *
     * @return default options
     */
    public static ElectionOptions defaults() {
        return builder().build();
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
     * The participant id, as others see it in {@link Election#leader()}.
     *
     * @return the id
     */
    public String participantId() {
        return participantId;
    }

    /**
     * Free-form text published with the candidacy, such as an address.
     *
     * @return the metadata, empty if none
     */
    public String metadata() {
        return metadata;
    }

    /**
     * Whether this participant only follows the leader.
     *
     * @return {@code true} for an observer
     */
    public boolean observer() {
        return observer;
    }

    /**
     * Where this election's listeners and its terms' {@link Leadership#lost()} handlers run, if not on the
     * coordinator's listener threads.
     *
     * @return the executor set with {@link Builder#listenerExecutor}, or empty for the default
     */
    public Optional<Executor> listenerExecutor() {
        return Optional.ofNullable(listenerExecutor);
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    /** Builds {@link ElectionOptions}; every value is checked in {@link #build()}. */
    public static final class Builder {
        private String participantId;
        private String metadata = "";
        private boolean observer;
        private Executor listenerExecutor;

        private Builder() {
        }

        /**
         * Sets the participant id.
         *
         * @param value 1 to 128 characters, no control characters
         * @return this builder
         */
        public Builder participantId(String value) {
            this.participantId = value;
            return this;
        }

        /**
         * Sets the metadata published with the candidacy.
         *
         * @param value up to 1024 characters, no control characters
         * @return this builder
         */
        public Builder metadata(String value) {
            this.metadata = value;
            return this;
        }

        /**
         * Makes this participant an observer: it follows the head of the queue through
         * {@link ElectionListener#leaderChanged} and never stands.
         *
         * @param value {@code true} for an observer
         * @return this builder
         */
        public Builder observer(boolean value) {
            this.observer = value;
            return this;
        }

        /**
         * Runs this election's listeners, and its terms' {@link Leadership#lost()} handlers, on {@code value}
         * instead of the coordinator's listener threads. They still run one at a time, in order, never under
         * a lock and never on the election's state machine: Elector hands each turn to {@code value} from
         * its own listener threads, so even a direct executor ({@code Runnable::run}) runs them there, never
         * on a backend's event thread. A task the executor refuses runs on Elector's listener threads, so no
         * event is lost. A term's validity never depends on the listeners: it ends at its deadline whatever
         * they do.
         *
         * @param value the executor; not null (leave it unset for the default)
         * @return this builder
         */
        public Builder listenerExecutor(Executor value) {
            if (value == null) {
                throw new IllegalArgumentException("listenerExecutor must not be null; leave it unset for the coordinator's listener threads");
            }
            this.listenerExecutor = value;
            return this;
        }

        /**
         * Checks the values and builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming the first value that breaks a rule
         */
        public ElectionOptions build() {
            if (metadata == null) {
                throw new IllegalArgumentException("metadata must not be null; use \"\" for none");
            }
            return new ElectionOptions(this);
        }
    }
}
