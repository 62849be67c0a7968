package dev.elector.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example Spring Boot application ({@code examples/spring-boot}, its executable jar as a user ships it)
 * as three JVMs on a real cluster: its leader-only report runs on exactly one instance at each tick, the
 * health, endpoint and meters say so over HTTP, and the job moves on resign, on SIGTERM (at once) and on
 * SIGKILL (within the session timeout and a bound), with no tick run twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SpringBootAppContract {
    private static final Path JAR = Path.of("..", "examples", "spring-boot", "target", "elector-example-spring-boot.jar").toAbsolutePath().normalize();
    private static final Pattern TICK = Pattern.compile("REPORT tick=(\\S+) token=(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private final List<App> apps = new ArrayList<>();

    private record App(String id, int port, Process process, Path log) {
    }

    protected abstract ClusterUnderTest cluster();

    /** The session timeout the instances ask for: as long as the cluster allows, so that a handover by expiry is told apart from one by giving way. */
    protected abstract Duration ttl();

    @AfterEach
    void stopApps() throws IOException {
        apps.forEach(a -> Processes.kill(a.process()));
        for (App a : apps) { // the logs go with the temporary folder: their ends stay in the test's report
            List<String> lines = Files.readAllLines(a.log());
            System.out.println("--- last lines of " + a.id() + " ---");
            lines.subList(Math.max(0, lines.size() - 12), lines.size()).forEach(System.out::println);
        }
        apps.clear();
    }

    @AfterAll
    void stopCluster() {
        cluster().close();
    }

    private App start(String id, String uri) {
        if (!Files.isRegularFile(JAR)) {
            fail(JAR + " is missing: build the reactor first (mvn install builds examples/spring-boot before this module)");
        }
        int port = Processes.freePort();
        Path log = dir.resolve(id + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(cluster().childJvmArgs());
        command.addAll(List.of("-jar", JAR.toString(), "--server.port=" + port, "--server.address=127.0.0.1", "--elector.connect=" + uri,
                "--elector.participant-id=" + id, "--management.endpoint.elector.access=unrestricted", "--spring.main.banner-mode=off"));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            App app = new App(id, port, p, log);
            apps.add(app);
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> get(App app, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String post(App app, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static String role(App app) {
        return get(app, "/actuator/elector").map(body -> {
            Matcher m = Pattern.compile("\"role\":\"(\\w+)\"").matcher(body);
            return m.find() ? m.group(1) : "?";
        }).orElse("DOWN");
    }

    private static double meter(App app, String query) {
        String body = get(app, "/actuator/metrics/" + query).orElseThrow(() -> new AssertionError("no meter " + query + " on " + app.id()));
        Matcher m = Pattern.compile("\"value\":([0-9.E-]+)").matcher(body);
        assertTrue(m.find(), body);
        return Double.parseDouble(m.group(1));
    }

    private List<App> live() {
        return apps.stream().filter(a -> a.process().isAlive()).toList();
    }

    private App leader() {
        await("one leader among " + live().size()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> live().stream().filter(a -> role(a).equals("LEADER")).count() == 1);
        return live().stream().filter(a -> role(a).equals("LEADER")).findFirst().orElseThrow();
    }

    /** Polls the survivors until one of them other than {@code old} leads; the time it took. */
    private Duration handover(App old, Runnable fault) {
        long from = System.nanoTime();
        fault.run();
        await("a new leader after " + old.id()).atMost(ttl().plus(Duration.ofSeconds(30))).pollInterval(Duration.ofMillis(50))
                .until(() -> live().stream().anyMatch(a -> a != old && role(a).equals("LEADER")));
        return Duration.ofNanos(System.nanoTime() - from);
    }

    /** Every tick run so far, by instance: a tick twice, or tokens going back, fails. */
    private Map<String, String> ticks() throws IOException {
        Map<String, String> byTick = new HashMap<>();
        Map<String, Long> tokenByTick = new HashMap<>();
        for (App a : apps) {
            for (String line : Files.readAllLines(a.log())) {
                Matcher m = TICK.matcher(line);
                if (m.find()) {
                    String earlier = byTick.put(m.group(1), a.id());
                    assertEquals(null, earlier, "tick " + m.group(1) + " ran on " + earlier + " and on " + a.id());
                    tokenByTick.put(m.group(1), Long.parseLong(m.group(2)));
                }
            }
        }
        List<String> order = byTick.keySet().stream().sorted().toList();
        for (int i = 1; i < order.size(); i++) {
            assertTrue(tokenByTick.get(order.get(i)) >= tokenByTick.get(order.get(i - 1)), "tokens go back at tick " + order.get(i));
        }
        return byTick;
    }

    @Test
    void threeInstancesRunTheReportOnOneAtATimeAndHandItOnOnResignSigtermAndSigkill() throws Exception {
        String uri = cluster().uri("spring-" + ProcessHandle.current().pid()).replaceAll("sessionTimeout=[^&]*", "sessionTimeout=" + ttl().toSeconds() + "s");
        for (int i = 1; i <= 3; i++) {
            start("app-" + i, uri);
        }
        long started = System.nanoTime();
        await("three healthy instances").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> apps.stream().allMatch(a -> {
                    if (!a.process().isAlive()) {
                        throw new AssertionError(a.id() + " exited at start; its log is printed below");
                    }
                    return get(a, "/actuator/health").filter(h -> h.contains("\"elector\":{")).isPresent();
                }));
        System.out.printf("%s: 3 Boot instances healthy in %d ms%n", cluster().backendName(), Duration.ofNanos(System.nanoTime() - started).toMillis());

        App first = leader();
        await("ticks").atMost(Duration.ofSeconds(30)).until(() -> ticks().size() >= 3);
        assertTrue(ticks().values().stream().allMatch(first.id()::equals), "only the leader runs the report: " + ticks());
        for (App a : apps) {
            String health = get(a, "/actuator/health").orElseThrow();
            assertTrue(health.contains("\"elector\":{\"details\":{\"uri\":\""), health);
            assertTrue(health.contains("\"role\":\"" + (a == first ? "LEADER" : "CANDIDATE") + "\""), a.id() + ": " + health);
            assertEquals(a == first ? 1.0 : 0.0, meter(a, "elector.leadership?tag=election:report"), a.id());
            String liveness = get(a, "/actuator/health/liveness").orElseThrow();
            assertTrue(!liveness.contains("elector"), "the liveness group must not hold the cluster's health: " + liveness);
        }

        Duration resign = handover(first, () -> {
            try {
                assertTrue(post(first, "/actuator/elector/report").contains("\"resigned\":true"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(1.0, meter(first, "elector.terms.ended?tag=election:report&tag=reason:RESIGNED"));
        App second = leader();

        Duration sigterm = handover(second, () -> second.process().destroy());
        assertTrue(sigterm.compareTo(ttl().dividedBy(2)) < 0, "SIGTERM hands over by giving way, not by expiry: " + sigterm.toMillis() + " ms");
        App third = leader();
        int before = ticks().size();
        await("ticks on " + third.id()).atMost(Duration.ofSeconds(30)).until(() -> ticks().size() >= before + 2);

        Duration sigkill = handover(third, () -> third.process().destroyForcibly());
        assertTrue(sigkill.compareTo(ttl().plus(Duration.ofSeconds(10))) < 0, "SIGKILL: within the session timeout and 10 s: " + sigkill.toMillis() + " ms");
        App last = leader();
        int after = ticks().size();
        await("ticks on " + last.id()).atMost(Duration.ofSeconds(30)).until(() -> ticks().size() >= after + 2);
        ticks(); // no tick twice over the whole run
        System.out.printf("%s: handover on resign %d ms, on SIGTERM %d ms, on SIGKILL %d ms (session timeout %ss); %d ticks, none twice%n",
                cluster().backendName(), resign.toMillis(), sigterm.toMillis(), sigkill.toMillis(), ttl().toSeconds(), ticks().size());
    }
}
