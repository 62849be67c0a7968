package dev.elector.it;

import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.Processes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code elector run} processes on a real cluster, each wrapping a shell loop that appends its fencing
 * token to a file through a token check (a fenced resource made of {@code flock} and {@code tail}), with a
 * grandchild ({@code sleep 300}) beside it. Each elector runs under {@code setsid}, in a process group of
 * its own, and its command in another one, as {@code run} starts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ElectorRunContract {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String WORKER = """
            #!/bin/sh
            sleep 300 &
            echo $! > "$WORK_DIR/grandchild-$ELECTOR_PARTICIPANT.pid"
            echo $$ > "$WORK_DIR/child-$ELECTOR_PARTICIPANT.pid"
            echo $$ >> "$WORK_DIR/runs-$ELECTOR_PARTICIPANT"
            while :; do
              flock -w 5 "$WORK_DIR/tokens.lock" sh -c '
                last=$(tail -n 1 "$WORK_DIR/tokens" 2>/dev/null)
                if [ -z "$last" ] || [ "$ELECTOR_FENCING_TOKEN" -ge "$last" ]; then
                  echo "$ELECTOR_FENCING_TOKEN" >> "$WORK_DIR/tokens"
                else
                  echo "$ELECTOR_FENCING_TOKEN" >> "$WORK_DIR/rejected"
                fi'
              sleep 0.1
            done
            """;

    @TempDir
    Path dir;
    private String namespace;
    private final List<Process> electors = new ArrayList<>();
    private Coordinator observer;

    protected abstract ClusterUnderTest cluster();

    @BeforeEach
    void prepare() throws IOException {
        namespace = "run-" + NAMESPACES.incrementAndGet() + "-" + ProcessHandle.current().pid();
        Path worker = dir.resolve("worker.sh");
        Files.writeString(worker, WORKER);
        worker.toFile().setExecutable(true);
        observer = Coordinator.connect(cluster().uri(namespace));
    }

    @AfterEach
    void stop() {
        electors.forEach(Processes::kill); // the kernel then kills each child, through its parent-death signal
        electors.clear();
        observer.close();
    }

    @AfterAll
    void stopCluster() {
        cluster().close();
    }

    private Process elector(String id) {
        List<String> command = List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", Processes.testClasspath(), "dev.elector.cli.Main",
                "run", "--connect", cluster().uri(namespace), "--election", "job", "--id", id, "--", "sh", dir.resolve("worker.sh").toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(id + ".log").toFile());
        builder.environment().put("WORK_DIR", dir.toString());
        try {
            Process p = builder.start();
            electors.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<Long> childPid(String id) {
        return pid("child-" + id + ".pid");
    }

    private Optional<Long> pid(String name) {
        try {
            Path file = dir.resolve(name);
            String text = Files.exists(file) ? Files.readString(file).trim() : "";
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A zombie is dead: it only waits for init to reap it, which here can take a second or two. */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false; // gone
        }
    }

    private List<Long> tokens(String file) {
        try {
            Path path = dir.resolve(file);
            return Files.exists(path) ? Files.readAllLines(path).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int queueLength() {
        Election e = observer.election("job", ElectionOptions.builder().observer(true).build());
        try {
            return e.participants().size();
        } finally {
            e.close();
        }
    }

    private void assertTokensNeverGoBack() {
        List<Long> accepted = tokens("tokens");
        for (int i = 1; i < accepted.size(); i++) {
            assertTrue(accepted.get(i) >= accepted.get(i - 1), "the fenced file accepted an older token: " + accepted);
        }
    }

    private String logs() {
        return log("a") + "\n---\n" + log("b");
    }

    /** Elector a, its child's pid, and the token its child writes with. */
    private record Leading(Process elector, long childPid, long token) {
    }

    private Leading aLeads() {
        Process a = elector("a");
        await().atMost(WAIT).until(() -> childPid("a").isPresent() && !tokens("tokens").isEmpty());
        return new Leading(a, childPid("a").orElseThrow(), tokens("tokens").get(0));
    }

    private Leading aLeadsAndBWaits() {
        Leading leading = aLeads();
        elector("b");
        await().atMost(WAIT).until(() -> queueLength() == 2);
        return leading;
    }

    @Test
    void sigtermStopsTheChildLeavesTheElectionAndExits() throws Exception {
        Leading leading = aLeadsAndBWaits();
        leading.elector().destroy(); // SIGTERM
        assertTrue(leading.elector().waitFor(15, java.util.concurrent.TimeUnit.SECONDS), "elector exits; log:\n" + logs());
        assertFalse(alive(leading.childPid()), "its child is stopped");
        await("b takes over at once, as a left the election").atMost(cluster().sessionTimeout()).until(() -> childPid("b").isPresent());
    }

    @Test
    void statusPrintsTheLeaderItsTokenAndTheQueue() throws Exception {
        Leading leading = aLeadsAndBWaits();
        Process status = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", Processes.testClasspath(),
                "dev.elector.cli.Main", "status", "--connect", cluster().uri(namespace), "--election", "job", "--json").redirectErrorStream(true).start();
        String out = new String(status.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(status.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, status.exitValue(), out);
        String last = out.lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.startsWith("{\"election\":\"job\",\"leader\":{\"id\":\"a\","), last);
        assertTrue(last.indexOf("\"id\":\"a\"", last.indexOf("participants")) < last.indexOf("\"id\":\"b\""), "queue order a, b: " + last);
        assertTrue(leading.elector().isAlive());
    }

    @Test
    void whenTheLeadingElectorIsSigkilledItsChildDiesWithItAndTheOtherTakesOver() {
        Leading leading = aLeadsAndBWaits();
        Process a = leading.elector();
        long childA = leading.childPid();
        long tokenA = leading.token();

        long grandchildA = pid("grandchild-a.pid").orElseThrow();
        assertTrue(alive(grandchildA), "the command's own child runs");

        Processes.kill(a);
        long killedAt = System.nanoTime();
        await("the command and its own child die with the SIGKILLed elector").atMost(Duration.ofSeconds(5))
                .until(() -> !alive(childA) && !alive(grandchildA));
        long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf("[%s] elector run: command and grandchild gone %d ms after SIGKILL of their elector%n", cluster().backendName(), tookMs);
        assertTrue(tookMs < 1000, "the whole tree is gone within a second, took " + tookMs + " ms");
        await().atMost(cluster().sessionTimeout().plus(WAIT)).until(() -> childPid("b").isPresent()
                && tokens("tokens").get(tokens("tokens").size() - 1) > tokenA);
        assertTokensNeverGoBack();
    }

    @Test
    void aPausedElectorKillsItsChildAtOnceOnResumeAndTheStaleChildsWritesAreFencedOff() {
        Leading leading = aLeadsAndBWaits();
        Process a = leading.elector();
        long childA = leading.childPid();
        long tokenA = leading.token();

        // The elector and its command together, like a frozen host: each leads a process group.
        Processes.signalGroup(a.pid(), "STOP");
        Processes.signalGroup(childA, "STOP");
        long resumedAt;
        try {
            // b's child may not write yet: a's frozen child can be holding the file's lock, as a paused
            // process would hold any lock. The token check, not the lock, is what keeps a's writes out.
            await("b takes over").atMost(cluster().sessionTimeout().plus(WAIT)).until(() -> childPid("b").isPresent());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("b did not take over; logs:\n" + logs(), e);
        } finally {
            resumedAt = System.nanoTime();
            Processes.signalGroup(childA, "CONT");
            Processes.signalGroup(a.pid(), "CONT");
        }
        await("a kills its stale child at once after the resume").atMost(Duration.ofSeconds(3)).until(() -> !alive(childA));
        await("b's child writes").atMost(WAIT).until(() -> tokens("tokens").get(tokens("tokens").size() - 1) > tokenA);
        System.out.printf("[%s] elector run: stale child killed %d ms after SIGCONT; %d stale writes rejected by the token check%n",
                cluster().backendName(), (System.nanoTime() - resumedAt) / 1_000_000, tokens("rejected").size());
        assertTokensNeverGoBack();
        assertTrue(tokens("rejected").stream().allMatch(t -> t == tokenA), "only a's stale token was rejected: " + tokens("rejected"));
        assertTrue(a.isAlive(), "a stays a candidate after losing leadership; log:\n" + logs());
        assertFalse(tokens("tokens").subList(tokens("tokens").indexOf(tokens("tokens").stream().filter(t -> t > tokenA).findFirst().orElseThrow()),
                tokens("tokens").size()).contains(tokenA), "no write of a's after b's first");
    }

    @Test
    void anOutagePastTheTtlStopsTheCommandButNotRunAndTheSameHostLeadsAndRunsItAgainAfterRecovery() {
        Leading leading = aLeads();
        long grandchildA = pid("grandchild-a.pid").orElseThrow();
        int lost = cluster().size() - 1; // a lost quorum is an outage: the one member left serves nothing
        for (int i = 0; i < lost; i++) {
            cluster().kill(i);
        }
        try {
            // Past the TTL: renewals went unanswered beyond the validity deadline. (The command may stop before,
            // when etcd cancels the leader's watch on the member that lost its leader.)
            await("a stops its command and says the connection is lost").atMost(cluster().sessionTimeout().plus(WAIT))
                    .until(() -> !alive(leading.childPid()) && !alive(grandchildA) && log("a").contains("connection lost"));
            assertTrue(leading.elector().isAlive(), "run is a service: an outage does not end it; log:\n" + log("a"));
        } finally {
            for (int i = 0; i < lost; i++) {
                cluster().restart(i);
            }
        }
        await("a leads again and runs the command again").atMost(cluster().sessionTimeout().plus(WAIT).plus(WAIT))
                .until(() -> runs("a") >= 2 && childPid("a").filter(pid -> pid != leading.childPid()).isPresent()
                        && tokens("tokens").get(tokens("tokens").size() - 1) > leading.token());
        assertTrue(leading.elector().isAlive(), log("a"));
        assertTokensNeverGoBack();
        String log = log("a");
        assertTrue(log.contains("connection lost") && log.contains("connection restored"), "one line each way:\n" + log);
        assertFalse(log.contains("\tat "), "no stack trace without --verbose:\n" + log);
    }

    private int runs(String id) {
        try {
            Path file = dir.resolve("runs-" + id);
            return Files.exists(file) ? (int) Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String log(String id) {
        try {
            return Files.readString(dir.resolve(id + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
