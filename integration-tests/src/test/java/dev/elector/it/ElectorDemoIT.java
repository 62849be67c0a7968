package dev.elector.it;

import dev.elector.test.cluster.Processes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code elector demo} as CI runs it, and {@code elector dev-server}: both need no cluster of their own. */
class ElectorDemoIT {
    @Test
    void theDevServerPrintsAUriThatElectorCanUseAndStopsOnSigterm() throws Exception {
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", Processes.testClasspath(),
                "dev.elector.cli.Main", "dev-server", "--port", "0").redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String uri = null;
            while (uri == null) {
                String line = out.readLine();
                if (line == null) {
                    break;
                }
                uri = line.startsWith("zk://") ? line.trim() : null;
            }
            assertTrue(uri != null && uri.matches("zk://127\\.0\\.0\\.1:\\d+/dev"), "printed " + uri);
            try (dev.elector.Coordinator c = dev.elector.Coordinator.connect(uri)) {
                dev.elector.Election e = c.election("dev").start();
                assertTrue(e.awaitLeadership(java.time.Duration.ofSeconds(30)).fencingToken() > 0);
            }
            server.destroy(); // SIGTERM
            assertTrue(server.waitFor(15, TimeUnit.SECONDS), "the dev server stops on SIGTERM");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void theDemoEndsWithASummaryOfZeroOverlapAndZeroStaleWritesAccepted() throws Exception {
        runDemo(Duration.ofSeconds(60), "--duration", "12s");
    }

    /**
     * The demo among Raft voters: the leader's JVM hosts a voter, so the SIGKILL and the SIGSTOP hit a node
     * of the group as well, and the participant started in the killed one's place rejoins from its log.
     */
    @Test
    void theRaftDemoAmongVotersEndsWithZeroOverlapAndZeroStaleWritesAccepted() throws Exception {
        runDemo(Duration.ofSeconds(120), "--backend", "raft", "--duration", "30s");
    }

    private static void runDemo(Duration limit, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                Processes.testClasspath(), "dev.elector.cli.Main", "demo"));
        command.addAll(List.of(args));
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = demo.getInputStream().readAllBytes();
            assertTrue(demo.waitFor(limit.toSeconds(), TimeUnit.SECONDS), "the demo must stop by itself");
            String text = new String(output, StandardCharsets.UTF_8);
            System.out.println(text);
            List<String> lines = text.lines().toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("summary "), last);
            Map<String, String> summary = Stream.of(last.substring("summary ".length()).split(" "))
                    .map(kv -> kv.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
            assertEquals("0", summary.get("max_overlap_ms"), last);
            assertEquals("0", summary.get("stale_writes_accepted"), last);
            assertEquals("true", summary.get("tokens_increasing"), last);
            assertTrue(Integer.parseInt(summary.get("failovers")) >= 2, "the kill and the pause each cause a failover: " + last);
            assertTrue(Integer.parseInt(summary.get("stale_writes_rejected")) >= 1, "the paused leader's in-flight write is fenced off: " + last);
            assertEquals(0, demo.exitValue(), text);
        } finally {
            demo.destroyForcibly();
        }
    }
}
