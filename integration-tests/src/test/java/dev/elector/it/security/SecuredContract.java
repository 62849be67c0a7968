package dev.elector.it.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.CoordinatorOptions;
import dev.elector.Credentials;
import dev.elector.Tls;
import dev.elector.test.cluster.CapturedLog;
import dev.elector.test.contract.ElectionContract;
import dev.elector.test.cluster.Pki;
import dev.elector.test.cluster.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract suite on a secured cluster, with what every secured suite checks: each refusal comes
 * within the connect timeout and names its cause, and no password reaches a log line or a message of the
 * whole class (the log is captured from before the cluster starts).
 */
abstract class SecuredContract extends ElectionContract {
    /** A wrong password the tests try; it must never be shown either. */
    static final String WRONG = "WRONG-pw-5150";
    static final Duration CONNECT = Duration.ofSeconds(3);
    final Pki pki = Pki.shared();
    private CapturedLog log;

    @BeforeAll
    void captureTheLog() {
        log = CapturedLog.start();
    }

    @AfterAll
    void noPasswordWasLogged() {
        log.close();
        String text = log.text();
        assertFalse(text.isEmpty(), "the log was captured");
        for (String password : Pki.PASSWORDS.values()) {
            assertFalse(text.contains(password), "a password reached the log");
        }
        assertFalse(text.contains(WRONG), "a wrong password reached the log");
    }

    static CoordinatorOptions as(Tls tls, Credentials credentials) {
        return CoordinatorOptions.builder().tls(tls).credentials(credentials).build();
    }

    /** Connecting with {@code options} fails with {@code type} within the connect timeout plus slack, naming no password. */
    <T extends Throwable> T refusedWithin(Class<T> type, CoordinatorOptions options, String uri) {
        long start = System.nanoTime();
        T e = assertThrows(type, () -> Coordinator.connect(uri, options).close(), () -> "connecting with " + options);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(CONNECT.plusSeconds(3)) < 0, "refused after " + took + ": " + e);
        for (String password : Pki.PASSWORDS.values()) {
            assertFalse(String.valueOf(e.getMessage()).contains(password), e.getMessage());
        }
        assertFalse(String.valueOf(e.getMessage()).contains(WRONG), e.getMessage());
        System.out.printf("[security] %s %s -> %s: %s%n", cluster().backendName(), options, e.getClass().getSimpleName(), e.getMessage());
        return e;
    }

    /** Runs the {@code elector} command in a child JVM with app's TLS flags and password file; returns its output. */
    private String elector(Path passwordFile, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", Processes.testClasspath(), "dev.elector.cli.Main"));
        // The flags go right after the subcommand: what follows a "--" is the command that run runs.
        command.add(args[0]);
        command.addAll(List.of("--cacert", pki.ca().toString(), "--cert", pki.cert("app").toString(), "--key", pki.key("app").toString(),
                "--user", "app", "--password-file", passwordFile.toString()));
        command.addAll(List.of(args).subList(1, args.length));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertTrue(p.exitValue() == 0, "exit " + p.exitValue() + ": " + out);
        assertFalse(out.contains(Pki.PASSWORDS.get("app")), out);
        return out;
    }

    @Test
    void theCommandsStatusAndRunWorkAgainstTheSecuredClusterWithAPasswordFile(@TempDir Path dir) throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), Pki.PASSWORDS.get("app") + "\n");
        var leader = candidate(coordinator(), "in-process", null);
        leader.awaitLeadership(WAIT);
        String status = elector(passwordFile, "status", "--connect", cluster().uri(namespace), "--election", ELECTION, "--json");
        assertTrue(status.contains("\"leader\":{\"id\":\"in-process\""), status);
        String run = elector(passwordFile, "run", "--connect", cluster().uri(namespace), "--election", "cli-job", "--", "sh", "-c",
                "echo token=$ELECTOR_FENCING_TOKEN");
        assertTrue(run.matches("(?s).*token=[1-9][0-9]*.*"), run);
    }
}
