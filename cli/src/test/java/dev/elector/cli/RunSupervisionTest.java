package dev.elector.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.test.cluster.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code elector run} in a JVM of its own on a real, embedded ZooKeeper: restarts back off up to a cap,
 * {@code on-failure} runs only a failed command again, a command that exits on its own ends {@code run}
 * under {@code --restart never}, and every step is one line.
 */
class RunSupervisionTest extends WithEmbeddedZooKeeper {
    @TempDir
    Path dir;

    private Process run(String election, Path log, String... argsAfterRun) throws IOException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                "-XX:TieredStopAtLevel=1", "-cp", Processes.testClasspath(), "dev.elector.cli.Main", "run", "--connect", server.uri("runs", ""),
                "--election", election, "--ttl", "2s"));
        line.addAll(List.of(argsAfterRun));
        return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void restartsBackOffDoublingFromOneSecond() throws Exception {
        Path log = dir.resolve("always.log");
        Process run = run("flaky", log, "--restart", "always", "--", "sh", "-c", "echo ran; exit 3");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> read(log).contains("running it again in 4s"));
            String out = read(log);
            long runs = out.lines().filter(l -> l.equals("ran")).count();
            assertEquals(3, runs, "three runs before the third wait, not a tight loop:\n" + out);
            assertTrue(out.indexOf("running it again in 1s") < out.indexOf("running it again in 2s"), out);
            assertTrue(run.isAlive());
        } finally {
            run.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theBackoffDoublesUpToItsCapOfOneMinute() {
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L),
                java.util.stream.IntStream.of(0, 1, 2, 3, 4, 5, 6, 40).mapToObj(n -> RunCommand.backoff(n).toSeconds()).toList());
    }

    @Test
    void onFailureRunsAFailedCommandAgainAndEndsRunWhenItSucceeds() throws Exception {
        Path log = dir.resolve("on-failure.log");
        Path marker = dir.resolve("failed-once");
        Process run = run("retried", log, "--restart", "on-failure", "--", "sh", "-c",
                "if [ -e '" + marker + "' ]; then echo second; exit 0; else touch '" + marker + "'; echo first; exit 5; fi");
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), read(log));
        String out = read(log);
        assertEquals(0, run.exitValue(), out);
        List<String> lines = out.lines().toList();
        int first = lines.indexOf("first");
        int again = lines.indexOf(lines.stream().filter(l -> l.contains("exited with status 5") && l.contains("running it again in 1s if still leading"))
                .findFirst().orElseThrow(() -> new AssertionError("no restart after the failure:\n" + out)));
        int second = lines.indexOf("second");
        assertTrue(0 <= first && first < again && again < second, "fails, is run again, succeeds:\n" + out);
        assertTrue(lines.stream().skip(second).anyMatch(l -> l.contains("the command exited with status 0; leaving 'retried'")), out);
    }

    @Test
    void aCommandThatExitsOnItsOwnUnderRestartNeverEndsRunWithItsStatusAndEachStepIsOneLine() throws Exception {
        Path log = dir.resolve("never.log");
        Process run = run("once", log, "--", "sh", "-c", "echo working; exit 7");
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), read(log));
        String out = read(log);
        assertEquals(7, run.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).matches("elector: \\d\\d:\\d\\d:\\d\\d joined 'once' at zk://127\\.0\\.0\\.1:\\d+/runs as .*"), out);
        int leads = lines.indexOf(lines.stream().filter(l -> l.contains("leads 'once' with token")).findFirst().orElseThrow());
        assertTrue(leads < lines.indexOf("working"), "the elector's line comes before the command's first:\n" + out);
        assertTrue(lines.get(lines.size() - 2).contains("the command exited with status 7; leaving 'once'"), out);
        assertTrue(lines.get(lines.size() - 1).contains("left 'once'; stopped"), out);
        assertFalse(out.contains("\tat ") || out.contains("Exception"), "no stack trace:\n" + out);
    }

    @Test
    void sigtermStopsTheCommandFirstThenLeavesAndSaysSo() throws Exception {
        Path log = dir.resolve("term.log");
        Process run = run("stoppable", log, "--", "sleep", "300");
        await().atMost(Duration.ofSeconds(30)).until(() -> read(log).contains("starting sleep 300"));
        run.destroy();
        assertTrue(run.waitFor(20, TimeUnit.SECONDS), read(log));
        assertEquals(143, run.exitValue());
        String out = read(log);
        assertTrue(out.indexOf("stopping: SIGTERM to the command's process group") < out.indexOf("left 'stoppable'; stopped"), out);
    }
}
