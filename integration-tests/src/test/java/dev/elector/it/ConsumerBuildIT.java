package dev.elector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A user's project that depends only on {@code elector-test} (test scope) and one backend builds and runs
 * the README's testing example with {@code mvn verify}, against the artifacts this build installed
 * ({@code scripts/test} runs {@code mvn install}), offline.
 */
class ConsumerBuildIT {
    @Test
    void aProjectWithOnlyTheKitAndOneBackendRunsTheReadmeTestingExample() throws Exception {
        Path consumer = Path.of(System.getProperty("user.dir")).getParent().resolve("test-kit/consumer");
        assertTrue(Files.isRegularFile(consumer.resolve("pom.xml")), consumer + " is the consumer project");
        dev.elector.test.cluster.Processes.deleteTree(consumer.resolve("target")); // a fresh build, with no clean plugin to fetch
        Path log = Files.createTempFile("elector-consumer", ".log");
        Process mvn = new ProcessBuilder("mvn", "-B", "-ntp", "-o", "-Delector.version=" + System.getProperty("elector.version", "0.1.0-SNAPSHOT"),
                "verify").directory(consumer.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(mvn.waitFor(5, TimeUnit.MINUTES), "the consumer build finishes");
            String out = Files.readString(log);
            assertEquals(0, mvn.exitValue(), out);
            List<String> results = out.lines().filter(l -> l.contains("Tests run:") && !l.contains(" in ")).toList();
            assertEquals(List.of("[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"), results, out);
        } finally {
            mvn.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
