package dev.elector.test;

import dev.elector.Coordinator;
import dev.elector.Durations;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.EmbeddedZooKeeper;
import dev.elector.test.cluster.EtcdCluster;
import dev.elector.test.cluster.ProcessEnsemble;
import dev.elector.test.cluster.RaftCluster;
import dev.elector.test.cluster.ZooKeeperCluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs {@link ElectorCluster}: one cluster per test class, started before its first test and stopped after
 * its last (held in the class's extension store), a namespace per test, and every coordinator a test was
 * handed or opened closed after it. Injects {@link TestCluster} and {@link Coordinator} parameters, and
 * the test's URI into a {@code String} parameter marked {@link ClusterUri}.
 */
public final class ElectorClusterExtension implements ExecutionCondition, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ElectorClusterExtension.class);
    private static final AtomicInteger TESTS = new AtomicInteger();

    /** The settings of a field-registered extension; null when they come from {@link ElectorCluster}. */
    private final Settings settings;

    /** Made by JUnit, from {@link ElectorCluster}'s {@code @ExtendWith}. */
    public ElectorClusterExtension() {
        this.settings = null;
    }

    private ElectorClusterExtension(Settings settings) {
        this.settings = settings;
    }

    /**
     * Settings for a field: {@code @RegisterExtension static ElectorClusterExtension cluster = ...}.
     *
     * @return a builder with {@link ElectorCluster}'s defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings, from a field's builder or from {@link ElectorCluster}. */
    private record Settings(ElectorCluster.Backend backend, int nodes, String sessionTimeout, String shared) {
        static Settings of(ElectorCluster a) {
            return new Settings(a.backend(), a.nodes(), a.sessionTimeout(), a.shared());
        }
    }

    /** Builds a field-registered extension; the values mean what {@link ElectorCluster}'s do. */
    public static final class Builder {
        private ElectorCluster.Backend backend = ElectorCluster.Backend.IN_MEMORY;
        private int nodes = 3;
        private String sessionTimeout = "3s";
        private String shared = "";

        private Builder() {
        }

        /**
         * The tier.
         *
         * @param value the tier
         * @return this builder
         */
        public Builder backend(ElectorCluster.Backend value) {
            this.backend = java.util.Objects.requireNonNull(value, "backend");
            return this;
        }

        /**
         * Members of a real cluster, 1 or 3.
         *
         * @param value the member count
         * @return this builder
         */
        public Builder nodes(int value) {
            this.nodes = value;
            return this;
        }

        /**
         * The session timeout, e.g. {@code "3s"}.
         *
         * @param value the timeout in Elector's duration syntax
         * @return this builder
         */
        public Builder sessionTimeout(String value) {
            this.sessionTimeout = java.util.Objects.requireNonNull(value, "sessionTimeout");
            return this;
        }

        /**
         * A name to share the cluster by.
         *
         * @param value the name, or empty
         * @return this builder
         */
        public Builder shared(String value) {
            this.shared = java.util.Objects.requireNonNull(value, "shared");
            return this;
        }

        /**
         * The extension.
         *
         * @return the extension, to register with {@code @RegisterExtension}
         */
        public ElectorClusterExtension build() {
            return new ElectorClusterExtension(new Settings(backend, nodes, sessionTimeout, shared));
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Settings config = config(context);
        if (config.backend() == ElectorCluster.Backend.ETCD && EtcdCluster.binary().isEmpty()) {
            return ConditionEvaluationResult.disabled("no etcd binary on the PATH and none named by -D" + EtcdCluster.BINARY_PROPERTY
                    + " or " + EtcdCluster.BINARY_VARIABLE + ": install etcd (Debian: apt-get install etcd-server etcd-client) or name it"
                    + " to run the ETCD tier");
        }
        return ConditionEvaluationResult.enabled("the " + config.backend() + " tier can run here");
    }

    private Settings config(ExtensionContext context) {
        if (settings != null) {
            return settings;
        }
        Class<?> type = context.getRequiredTestClass();
        ElectorCluster config = type.getAnnotation(ElectorCluster.class);
        while (config == null && type.getEnclosingClass() != null) {
            type = type.getEnclosingClass();
            config = type.getAnnotation(ElectorCluster.class);
        }
        if (config == null) {
            throw new ExtensionConfigurationException("ElectorClusterExtension needs @ElectorCluster on " + context.getRequiredTestClass().getName()
                    + ", or settings from ElectorClusterExtension.builder()");
        }
        return Settings.of(config);
    }

    /**
     * The class's cluster, started on first use and stopped when the class is done; or the one shared by
     * its name, held by the root context and stopped when every test is done.
     */
    private Held held(ExtensionContext context) {
        Settings config = config(context);
        if (config.shared().isEmpty()) {
            return classContext(context).getStore(STORE).getOrComputeIfAbsent("cluster", key -> start(config), Held.class);
        }
        Held shared = context.getRoot().getStore(STORE).getOrComputeIfAbsent("shared:" + config.shared(), key -> start(config), Held.class);
        if (!shared.settings().equals(config)) {
            throw new ExtensionConfigurationException("the cluster shared as '" + config.shared() + "' was started with " + shared.settings()
                    + ", not " + config + ": give different settings another name");
        }
        return shared;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static Held start(Settings config) {
        Duration sessionTimeout = Durations.parse("@ElectorCluster sessionTimeout", config.sessionTimeout());
        if (sessionTimeout.isZero() || sessionTimeout.isNegative()) {
            throw new ExtensionConfigurationException("@ElectorCluster sessionTimeout '" + config.sessionTimeout() + "' must be positive");
        }
        Opened opened = new Opened();
        if (config.backend() == ElectorCluster.Backend.IN_MEMORY) {
            return new Held(config, new InMemoryTestCluster(sessionTimeout, opened), opened, null);
        }
        if (config.nodes() != 1 && config.nodes() != 3) {
            throw new ExtensionConfigurationException("@ElectorCluster nodes " + config.nodes() + " must be 1 or 3");
        }
        if (config.backend() == ElectorCluster.Backend.RAFT && config.nodes() != 3) {
            throw new ExtensionConfigurationException("@ElectorCluster nodes " + config.nodes() + " must be 3 for RAFT: a Raft group needs at least 3 voters");
        }
        ClusterUnderTest cluster = switch (config.backend()) {
            case EMBEDDED_ZOOKEEPER -> new ZooKeeperCluster(embedded());
            case ZOOKEEPER -> new ZooKeeperCluster(ProcessEnsemble.start(config.nodes()));
            case RAFT -> RaftCluster.start(config.nodes());
            default -> EtcdCluster.start(config.nodes());
        };
        return new Held(config, new RealTestCluster(config.backend(), cluster, sessionTimeout, opened), opened, cluster);
    }

    private static EmbeddedZooKeeper embedded() {
        try {
            return EmbeddedZooKeeper.start(0, 200);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not start an embedded ZooKeeper", e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        held(context).opened.begin("t" + TESTS.incrementAndGet() + "-" + ProcessHandle.current().pid());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Held held = held(context);
        String namespace = held.opened.namespace();
        held.opened.closeAll();
        if (held.handle instanceof InMemoryTestCluster memory) {
            memory.forgetNamespace(namespace);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestCluster.class || type == Coordinator.class || (type == String.class && parameter.isAnnotated(ClusterUri.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestCluster handle = held(context).handle;
        Class<?> type = parameter.getParameter().getType();
        if (type == TestCluster.class) {
            return handle;
        }
        return type == String.class ? handle.uri() : handle.connect();
    }

    /** A class's cluster in the store: JUnit closes it after the class. */
    private record Held(Settings settings, TestCluster handle, Opened opened, ClusterUnderTest processes) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            opened.closeAll();
            if (processes != null) {
                processes.close();
            }
        }
    }
}
