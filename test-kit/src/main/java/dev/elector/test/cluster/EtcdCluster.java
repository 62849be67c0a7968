package dev.elector.test.cluster;

import static org.awaitility.Awaitility.await;

import dev.elector.CoordinatorOptions;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.Pki;
import dev.elector.test.cluster.Processes;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real 3-member etcd cluster (Debian's etcd-server, 3.4) as processes on free loopback ports, each with
 * a fresh data directory on tmpfs that is deleted on close. Health and metrics are served on plain HTTP
 * ports of their own, so they are read the same way on a secured cluster.
 *
 * <p>A secured cluster ({@link #startSecured}) takes clients over TLS with client certificates signed by
 * the test CA only, and has auth enabled with 2 s tokens, so that every test crosses token expiries. Its
 * roles: {@code elector-rw} may read and write keys under {@code /contract-} (every namespace the suites
 * use), {@code elector-ro} may read them. Users: {@code root}; {@code app} and {@code certuser} (no
 * password: its certificate's common name is its identity) with {@code elector-rw}; {@code reader} with
 * {@code elector-ro}; {@code intruder} with no role.
 */
public final class EtcdCluster implements ClusterUnderTest, Processes.Launchable {
    /** Heartbeat 100 ms, election timeout 1 s: the smallest lease TTL the cluster grants is then 2 s. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

    /** The system property that names the etcd binary to run instead of the one on the PATH. */
    public static final String BINARY_PROPERTY = "elector.test.etcd";
    /** The environment variable read when {@link #BINARY_PROPERTY} is not set. */
    public static final String BINARY_VARIABLE = "ELECTOR_TEST_ETCD";

    /** Every namespace of the suites starts so; the secured cluster's roles cover this prefix. */
    public static final String SUITE_PREFIX = "/contract-";

    private final Path root;
    private final Pki pki;
    private final int[] clientPorts;
    private final int[] metricsPorts;
    private final Process[] members;
    private final List<List<String>> commands = new ArrayList<>();
    private Client admin;

    private EtcdCluster(Path root, int size, Pki pki) {
        this.root = root;
        this.pki = pki;
        this.clientPorts = new int[size];
        this.metricsPorts = new int[size];
        this.members = new Process[size];
    }

    /**
     * Starts a plain cluster: no TLS, no auth. Waits until every member reports healthy.
     *
     * @param size the number of members
     * @return the running cluster
     */
    public static EtcdCluster start(int size) {
        return start(size, null);
    }

    /**
     * A cluster that takes TLS clients with certificates of {@code pki}'s CA, with auth enabled; see above.
     *
     * @param size the number of members
     * @param pki the certificates the servers present and trust
     * @return the running cluster, its users and roles made
     */
    public static EtcdCluster startSecured(int size, Pki pki) {
        return start(size, pki);
    }

    private static EtcdCluster start(int size, Pki pki) {
        return Processes.launch("elector-etcd-", root -> new EtcdCluster(root, size, pki));
    }

    @Override
    public List<Path> logs() {
        return IntStream.range(0, members.length).mapToObj(i -> root.resolve("m" + i + "/etcd.log")).toList();
    }

    /**
     * The etcd binary the clusters run: the one the system property {@value #BINARY_PROPERTY} or else the
     * environment variable {@value #BINARY_VARIABLE} names, or else the first {@code etcd} on the PATH.
     * {@code etcdctl} is taken from beside it when it is there, else from the PATH.
     *
     * @return the binary, or empty if none is named and the PATH has none
     * @throws IllegalStateException if the named file is not executable: a mistake to report, not a reason to skip
     */
    public static Optional<Path> binary() {
        String named = System.getProperty(BINARY_PROPERTY, System.getenv(BINARY_VARIABLE));
        if (named == null || named.isBlank()) {
            return Processes.onPath("etcd");
        }
        Path path = Path.of(named);
        if (!Files.isExecutable(path) || Files.isDirectory(path)) {
            throw new IllegalStateException(BINARY_PROPERTY + " (or " + BINARY_VARIABLE + ") names " + named + ", which is not an executable file");
        }
        return Optional.of(path);
    }

    /** {@code etcd} or {@code etcdctl}, as {@link #binary()} finds them. */
    static String binary(String name) {
        Optional<Path> etcd = binary();
        Optional<Path> found = name.equals("etcd") ? etcd
                : etcd.map(p -> p.resolveSibling(name)).filter(Files::isExecutable).or(() -> Processes.onPath(name));
        return found.map(Path::toString).orElseThrow(() -> new IllegalStateException(name + " is not installed: run scripts/test, which"
                + " installs Debian's etcd-server and etcd-client, or name the binary with -D" + BINARY_PROPERTY + "=/path/to/etcd"));
    }

    @Override
    public void launch() {
        int size = clientPorts.length;
        int[] peerPorts = new int[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = Processes.freePort();
            peerPorts[i] = Processes.freePort();
            metricsPorts[i] = Processes.freePort();
        }
        String scheme = pki == null ? "http://" : "https://";
        String initial = IntStream.range(0, size).mapToObj(i -> "m" + i + "=http://127.0.0.1:" + peerPorts[i]).collect(Collectors.joining(","));
        for (int i = 0; i < size; i++) {
            Path dir = root.resolve("m" + i);
            List<String> command = new ArrayList<>(List.of(binary("etcd"),
                    "--name", "m" + i,
                    "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", scheme + "127.0.0.1:" + clientPorts[i],
                    "--advertise-client-urls", scheme + "127.0.0.1:" + clientPorts[i],
                    "--listen-metrics-urls", "http://127.0.0.1:" + metricsPorts[i],
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                    "--initial-cluster", initial,
                    "--initial-cluster-state", "new",
                    "--initial-cluster-token", root.getFileName().toString(),
                    "--heartbeat-interval", "100",
                    "--election-timeout", "1000",
                    "--logger", "zap",
                    "--log-level", "warn"));
            if (pki != null) {
                command.addAll(List.of("--cert-file", pki.cert("server").toString(), "--key-file", pki.key("server").toString(),
                        "--trusted-ca-file", pki.ca().toString(), "--client-cert-auth", "--auth-token-ttl", "2"));
            }
            commands.add(command);
            startMember(i);
        }
        for (int i = 0; i < size; i++) {
            awaitHealthy(i);
        }
        if (pki != null) {
            enableAuth();
        }
    }

    /** Users and roles as the class comment says; etcd needs no credentials until auth is enabled. */
    private void enableAuth() {
        etcdctlAs(null, "user", "add", "root:" + Pki.PASSWORDS.get("root"));
        etcdctlAs(null, "role", "add", "elector-rw");
        etcdctlAs(null, "role", "grant-permission", "elector-rw", "--prefix=true", "readwrite", SUITE_PREFIX);
        etcdctlAs(null, "role", "add", "elector-ro");
        etcdctlAs(null, "role", "grant-permission", "elector-ro", "--prefix=true", "read", SUITE_PREFIX);
        for (String user : List.of("app", "reader", "intruder")) {
            etcdctlAs(null, "user", "add", user + ":" + Pki.PASSWORDS.get(user));
        }
        etcdctlAs(null, "user", "add", "certuser", "--no-password");
        etcdctlAs(null, "user", "grant-role", "app", "elector-rw");
        etcdctlAs(null, "user", "grant-role", "certuser", "elector-rw");
        etcdctlAs(null, "user", "grant-role", "reader", "elector-ro");
        etcdctlAs(null, "auth", "enable");
    }

    /**
     * The plain-HTTP port where a member serves health and metrics.
     *
     * @param member 0 to size() - 1
     * @return the port
     */
    public int metricsPort(int member) {
        return metricsPorts[member];
    }

    /**
     * Whether this cluster was started with {@link #startSecured}.
     *
     * @return true if it takes TLS and has auth enabled
     */
    public boolean secured() {
        return pki != null;
    }

    @Override
    public CoordinatorOptions options() {
        return pki == null ? CoordinatorOptions.defaults() : pki.options("app", true);
    }

    @Override
    public List<String> childJvmArgs() {
        return pki == null ? List.of() : pki.childJvmArgs("app", true);
    }

    private void startMember(int i) {
        Path dir = root.resolve("m" + i);
        try {
            Files.createDirectories(dir);
            members[i] = new ProcessBuilder(commands.get(i)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthy(int i) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        await("etcd member m" + i + " healthy").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!members[i].isAlive()) {
                throw new IllegalStateException("etcd member m" + i + " died; see " + root.resolve("m" + i + "/etcd.log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPorts[i] + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                return r.body().contains("\"health\":\"true\"");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * The members' client addresses, as etcdctl's {@code --endpoints} takes them.
     *
     * @return {@code host:port} of every member, comma-separated
     */
    public String endpoints() {
        return String.join(",", addresses());
    }

    /**
     * A gauge from every member's {@code /metrics}, summed: each member counts what its own clients hold,
     * such as {@code etcd_debugging_mvcc_watch_stream_total}.
     *
     * @param name the metric's name
     * @return the sum over the members
     */
    public double gauge(String name) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        double sum = 0;
        for (int port : metricsPorts) {
            String address = "127.0.0.1:" + port;
            String body;
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sum += body.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("etcd at " + address + " has no metric " + name));
        }
        return sum;
    }

    @Override
    public List<String> addresses() {
        return IntStream.range(0, size()).mapToObj(i -> "127.0.0.1:" + clientPorts[i]).toList();
    }

    @Override
    public String uriFor(List<String> addresses, String namespace) {
        return "etcd://" + String.join(",", addresses) + "/" + namespace + "?sessionTimeout=" + SESSION_TIMEOUT.toSeconds() + "s&connectTimeout=5s";
    }

    @Override
    public void kill(int member) {
        Processes.kill(members[member]);
    }

    @Override
    public void restart(int member) {
        startMember(member);
        awaitHealthy(member);
    }

    @Override
    public java.util.Set<String> leases() {
        return java.util.Arrays.stream(etcdctl("lease", "list").split("\n")).map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("found")).collect(Collectors.toSet());
    }

    @Override
    public int entries(String namespace, String election) {
        return keys(namespace, election).size();
    }

    @Override
    public String backendName() {
        return "etcd";
    }

    @Override
    public int size() {
        return clientPorts.length;
    }

    @Override
    public Duration sessionTimeout() {
        return SESSION_TIMEOUT;
    }

    @Override
    public String uri(String namespace) {
        return uriFor(addresses(), namespace);
    }

    @Override
    public String uriForMember(int member, String namespace) {
        return uriFor(List.of(addresses().get(member)), namespace);
    }

    @Override
    public String uriWithoutMember(int member, String namespace) {
        return uriFor(IntStream.range(0, size()).filter(i -> i != member).mapToObj(i -> addresses().get(i)).toList(), namespace);
    }

    @Override
    public String uriWithRefusedSessionTimeout(String namespace) {
        return "etcd://" + endpoints() + "/" + namespace + "?sessionTimeout=1s";
    }

    @Override
    public String unreachableUri(Duration connectTimeout) {
        return "etcd://127.0.0.1:" + Processes.freePort() + "/nowhere?connectTimeout=" + connectTimeout.toMillis() + "ms";
    }

    @Override
    public void pause(int member) {
        Processes.signal(members[member], "STOP");
    }

    @Override
    public void resume(int member) {
        Processes.signal(members[member], "CONT");
    }

    /**
     * A jetcd client of the operator: root on a secured cluster.
     *
     * @return the client, made on first use and closed with the cluster
     */
    public synchronized Client admin() {
        if (admin == null) {
            admin = client("root");
        }
        return admin;
    }

    /**
     * A raw jetcd client as {@code user}, with TLS and the user's certificate and password on a secured cluster.
     *
     * @param user a user of the PKI; ignored on a plain cluster
     * @return a new client to every member, which the caller closes
     */
    public Client client(String user) {
        io.etcd.jetcd.ClientBuilder b = Client.builder().endpoints(IntStream.range(0, size())
                .mapToObj(i -> (pki == null ? "http://" : "https://") + "127.0.0.1:" + clientPorts[i]).toArray(String[]::new));
        if (pki != null) {
            try {
                b.sslContext(ssl -> ssl.trustManager(pki.ca().toFile()).keyManager(pki.cert(user).toFile(), pki.key(user).toFile()));
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
            if (Pki.PASSWORDS.containsKey(user)) {
                b.user(ByteSequence.from(user, StandardCharsets.UTF_8)).password(ByteSequence.from(Pki.PASSWORDS.get(user), StandardCharsets.UTF_8));
            }
        }
        return b.build();
    }

    /**
     * The candidate keys under an election's prefix, oldest first.
     *
     * @param namespace the namespace the election lives under
     * @param election the election's name
     * @return the keys with their values, by creation
     */
    public List<KeyValue> keys(String namespace, String election) {
        ByteSequence prefix = ByteSequence.from("/" + namespace + "/" + election + "/", StandardCharsets.UTF_8);
        try {
            return admin().getKVClient().get(prefix, GetOption.builder().isPrefix(true)
                    .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build())
                    .get(10, TimeUnit.SECONDS).getKvs();
        } catch (Exception e) {
            throw new IllegalStateException("could not list " + prefix, e);
        }
    }

    /**
     * The key of a participant under an election, as its value names it.
     *
     * @param namespace the namespace the election lives under
     * @param election the election's name
     * @param participantId the participant
     * @return its key and value
     * @throws IllegalStateException if the participant has no key there
     */
    public KeyValue keyOf(String namespace, String election, String participantId) {
        return keys(namespace, election).stream()
                .filter(kv -> {
                    String value = kv.getValue().toString(StandardCharsets.UTF_8);
                    return value.equals(participantId) || value.startsWith(participantId + "\n");
                })
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no key of " + participantId + " under /" + namespace + "/" + election));
    }

    @Override
    public void deleteEntry(String namespace, String election, String participantId) {
        try {
            admin().getKVClient().delete(keyOf(namespace, election, participantId).getKey()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not delete the key of " + participantId, e);
        }
    }

    /** Revokes the lease of the participant's key: etcd deletes every key on it, as at the lease's expiry. */
    @Override
    public void expireSession(String namespace, String election, String participantId) {
        try {
            admin().getLeaseClient().revoke(keyOf(namespace, election, participantId).getLease()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not revoke the lease of " + participantId, e);
        }
    }

    /**
     * Runs etcdctl against the whole cluster and returns its output; as root on a secured cluster.
     *
     * @param args etcdctl's command and arguments, such as {@code "lease", "list"}
     * @return standard output and error, together
     * @throws IllegalStateException if etcdctl exits non-zero or runs over 30 s
     */
    public String etcdctl(String... args) {
        return etcdctlAs(pki == null ? null : "root", args);
    }

    /**
     * Runs etcdctl as {@code user} (null: with no credentials), failing on a non-zero exit.
     *
     * @param user a user of the PKI, or null; ignored on a plain cluster
     * @param args etcdctl's command and arguments
     * @return standard output and error, together
     * @throws IllegalStateException if etcdctl exits non-zero or runs over 30 s
     */
    public String etcdctlAs(String user, String... args) {
        Process p = startEtcdctlAs(user, args);
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts etcdctl against the whole cluster, such as a long-running {@code elect}, its output piped to the caller.
     *
     * @param args etcdctl's command and arguments
     * @return the running etcdctl, as root on a secured cluster
     */
    public Process startEtcdctl(String... args) {
        return startEtcdctlAs(pki == null ? null : "root", args);
    }

    private Process startEtcdctlAs(String user, String... args) {
        List<String> command = new ArrayList<>(List.of(binary("etcdctl")));
        if (pki == null) {
            command.add("--endpoints=" + endpoints());
        } else {
            command.add("--endpoints=" + addresses().stream().map(a -> "https://" + a).collect(Collectors.joining(",")));
            String cert = user == null ? "root" : user;
            command.addAll(List.of("--cacert", pki.ca().toString(), "--cert", pki.cert(cert).toString(), "--key", pki.key(cert).toString()));
            if (user != null && Pki.PASSWORDS.containsKey(user)) {
                command.add("--user=" + user + ":" + Pki.PASSWORDS.get(user));
            }
        }
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("ETCDCTL_API", "3");
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (admin != null) {
                admin.close();
            }
        }
        for (Process member : members) {
            Processes.kill(member);
        }
        Processes.deleteTree(root);
    }
}
