package dev.elector.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.ElectionOptions;
import dev.elector.test.cluster.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elector status --watch} in a JVM of its own on a real, embedded ZooKeeper: a timestamped listing
 * at each change of the queue, and a line when the connection is lost and when it is back.
 */
class StatusWatchTest extends WithEmbeddedZooKeeper {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String AT = "\\d\\d:\\d\\d:\\d\\d";

    @TempDir
    Path dir;

    private static List<String> lines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void awaitLine(Path log, String what, String regex) {
        await(what).atMost(WAIT).until(() -> lines(log).stream().anyMatch(l -> l.matches(regex)));
    }

    @Test
    void watchPrintsEachQueueChangeWithItsTimeAndSaysWhenTheConnectionGoesAndComesBack() throws Exception {
        String uri = server.uri("watch", "sessionTimeout=2s");
        Path log = dir.resolve("status.log");
        Process status = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                "-XX:TieredStopAtLevel=1", "-cp", Processes.testClasspath(), "dev.elector.cli.Main", "status", "--connect", uri,
                "--election", "report", "--watch").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (Coordinator a = Coordinator.connect(uri); Coordinator b = Coordinator.connect(uri)) {
            awaitLine(log, "the first, empty listing", AT + "  election report  leader none");
            a.election("report", ElectionOptions.builder().participantId("a").build()).start();
            awaitLine(log, "a joined and leads", AT + "  election report  leader a \\(token \\d+\\)");
            b.election("report", ElectionOptions.builder().participantId("b").build()).start();
            awaitLine(log, "b queued second", "  2\\. b  token \\d+");
            a.close();
            awaitLine(log, "a left, b leads", AT + "  election report  leader b \\(token \\d+\\)");

            server.kill(0);
            try {
                awaitLine(log, "the loss is told", "elector: " + AT + " connection lost: .*");
            } finally {
                server.restart(0);
            }
            awaitLine(log, "the return is told", "elector: " + AT + " connection restored to " + uri.replace("?", "\\?"));
        } finally {
            status.destroy();
            assertTrue(status.waitFor(20, TimeUnit.SECONDS) || status.destroyForcibly().waitFor(10, TimeUnit.SECONDS));
        }
        List<String> out = lines(log);
        assertTrue(out.stream().noneMatch(l -> l.contains("\tat ") || l.contains("Exception")), "no stack trace:\n" + String.join("\n", out));
    }
}
