package dev.elector.it.etcd;

import static org.awaitility.Awaitility.await;

import dev.elector.it.ClusterUnderTest;
import dev.elector.it.Processes;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real 3-member etcd cluster (Debian's etcd-server, 3.4) as processes on free loopback ports, each with
 * a fresh data directory on tmpfs that is deleted on close.
 */
public final class EtcdCluster implements ClusterUnderTest {
    /** Heartbeat 100 ms, election timeout 1 s: the smallest lease TTL the cluster grants is then 2 s. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

    private final Path root;
    private final int[] clientPorts;
    private final Process[] members;
    private final List<List<String>> commands = new ArrayList<>();
    private Client admin;

    private EtcdCluster(Path root, int size) {
        this.root = root;
        this.clientPorts = new int[size];
        this.members = new Process[size];
    }

    public static EtcdCluster start(int size) {
        Path base = Processes.dataRoot();
        for (int attempt = 1; ; attempt++) {
            EtcdCluster cluster;
            try {
                cluster = new EtcdCluster(Files.createTempDirectory(base, "elector-etcd-"), size);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                cluster.launch();
                return cluster;
            } catch (RuntimeException | Error e) {
                // A free port found by binding and closing can be taken by another process before etcd binds
                // it; only that race is worth a new set of ports.
                boolean portTaken = cluster.logsMention("address already in use");
                cluster.close();
                if (!portTaken || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private boolean logsMention(String text) {
        for (int i = 0; i < members.length; i++) {
            try {
                Path log = root.resolve("m" + i + "/etcd.log");
                if (Files.exists(log) && Files.readString(log).contains(text)) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed: run scripts/test, which installs Debian's etcd-server and etcd-client");
    }

    private void launch() {
        int size = clientPorts.length;
        int[] peerPorts = new int[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = Processes.freePort();
            peerPorts[i] = Processes.freePort();
        }
        String initial = IntStream.range(0, size).mapToObj(i -> "m" + i + "=http://127.0.0.1:" + peerPorts[i]).collect(Collectors.joining(","));
        for (int i = 0; i < size; i++) {
            Path dir = root.resolve("m" + i);
            List<String> command = List.of(binary("etcd"),
                    "--name", "m" + i,
                    "--data-dir", dir.resolve("data").toString(),
                    "--listen-client-urls", "http://127.0.0.1:" + clientPorts[i],
                    "--advertise-client-urls", "http://127.0.0.1:" + clientPorts[i],
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPorts[i],
                    "--initial-cluster", initial,
                    "--initial-cluster-state", "new",
                    "--initial-cluster-token", root.getFileName().toString(),
                    "--heartbeat-interval", "100",
                    "--election-timeout", "1000",
                    "--logger", "zap",
                    "--log-level", "warn");
            commands.add(command);
            startMember(i);
        }
        for (int i = 0; i < size; i++) {
            awaitHealthy(i);
        }
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
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + clientPorts[i] + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                return r.body().contains("\"health\":\"true\"");
            } catch (IOException e) {
                return false;
            }
        });
    }

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
        for (String address : addresses()) {
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

    public synchronized Client admin() {
        if (admin == null) {
            admin = Client.builder().endpoints(IntStream.range(0, size()).mapToObj(i -> "http://127.0.0.1:" + clientPorts[i]).toArray(String[]::new)).build();
        }
        return admin;
    }

    /** The candidate keys under an election's prefix, oldest first. */
    List<KeyValue> keys(String namespace, String election) {
        ByteSequence prefix = ByteSequence.from("/" + namespace + "/" + election + "/", StandardCharsets.UTF_8);
        try {
            return admin().getKVClient().get(prefix, GetOption.builder().isPrefix(true)
                    .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build())
                    .get(10, TimeUnit.SECONDS).getKvs();
        } catch (Exception e) {
            throw new IllegalStateException("could not list " + prefix, e);
        }
    }

    KeyValue keyOf(String namespace, String election, String participantId) {
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

    /** Runs etcdctl against the whole cluster and returns its output. */
    public String etcdctl(String... args) {
        Process p = startEtcdctl(args);
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

    /** Starts etcdctl against the whole cluster, such as a long-running {@code elect}, its output piped to the caller. */
    Process startEtcdctl(String... args) {
        List<String> command = new ArrayList<>(List.of(binary("etcdctl"), "--endpoints=" + endpoints()));
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
