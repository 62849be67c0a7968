package dev.elector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input gives one line on standard error naming the value and the rule, with the documented status
 * (2 for a wrong command line, 1 for what the cluster refuses), never a stack trace. The inputs a cluster
 * must judge meet a real one: ZooKeeper embedded, with 500 ms ticks (sessions of 1s to 10s).
 */
class CommandLineErrorsTest extends WithEmbeddedZooKeeper {
    private record Outcome(int status, String err) {
    }

    private static synchronized Outcome run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int status = Main.execute(args);
            return new Outcome(status, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private static void assertOneLineError(Outcome o, int status, String fragment) {
        assertEquals(status, o.status(), o.err());
        String[] lines = o.err().strip().split("\n");
        assertEquals(1, lines.length, "one line, got: " + o.err());
        assertTrue(lines[0].startsWith("elector: "), o.err());
        assertTrue(lines[0].contains(fragment), "'" + lines[0] + "' should mention " + fragment);
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test
    void aWrongFlagIsAUsageError() {
        assertOneLineError(run("status", "--connect", "zk://h/x", "--election", "e", "--bogus"), 2, "--bogus");
        assertOneLineError(run("status", "--election", "e"), 2, "--connect");
    }

    @Test
    void aMissingCommandAfterTheSeparatorIsAUsageError() {
        assertOneLineError(run("run", "--connect", "zk://127.0.0.1:1/x", "--election", "e", "--"), 2, "Missing required parameter: 'COMMAND'");
    }

    @Test
    void aBadRestartPolicyIsAUsageError() {
        assertOneLineError(run("run", "--connect", "zk://127.0.0.1:1/x", "--election", "e", "--restart", "sometimes", "--", "true"), 2, "sometimes");
    }

    @Test
    void aMalformedUriIsOneLine() {
        assertOneLineError(run("status", "--connect", "zk://host:notaport/x", "--election", "e"), 1, "invalid port 'notaport'");
        assertOneLineError(run("status", "--connect", "nats://host/x", "--election", "e"), 1, "unknown scheme 'nats'");
    }

    @Test
    void anUnreachableClusterIsOneLineWithinTheConnectTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        Outcome o = run("status", "--connect", "zk://127.0.0.1:" + port + "/x?connectTimeout=1s", "--election", "e");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertOneLineError(o, 1, "within the connect timeout of 1s");
        assertTrue(tookMs < 5000, "took " + tookMs + " ms");
    }

    @Test
    void aBadDurationIsAUsageError() {
        assertOneLineError(run("demo", "--duration", "soon"), 2, "'soon' is not a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1s", "abc", "10s&safetyMargin=9s", "99999999999999999999s", "25h"})
    void aTtlThatIsNotAPositiveDurationOfAtMostADayIsAUsageErrorNamingTheFlag(String ttl) {
        Outcome o = run("run", "--connect", server.uri("x", ""), "--election", "e", "--ttl", ttl, "--", "true");
        assertOneLineError(o, 2, "--ttl");
        assertTrue(o.err().contains("'" + ttl + "'"), o.err());
    }

    @Test
    void aTtlTheServerDoesNotGrantIsRefusedWithWhatItGranted() {
        assertOneLineError(run("run", "--connect", server.uri("x", ""), "--election", "e", "--ttl", "1h", "--", "true"), 1,
                "sessionTimeout 1h is outside the bounds of the cluster at zk://127.0.0.1:" + server.port() + "/x: it granted 10s");
    }

    @Test
    void aSessionTimeoutTooShortForZooKeepersClientIsRefusedWithWhatTheServerGrantsNotAFailureToConnect() {
        long start = System.nanoTime();
        Outcome o = run("status", "--connect", server.uri("x", "sessionTimeout=1ms"), "--election", "e");
        assertOneLineError(o, 1, "sessionTimeout 1ms is outside the bounds of the cluster at");
        assertTrue(o.err().contains("it granted 1s"), o.err());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "at once, not after a connect timeout");
    }

    @Test
    void aHugeDurationInTheUriIsTooLongNotANumberFormatError() {
        assertOneLineError(run("status", "--connect", server.uri("x", "sessionTimeout=99999999999999999999s"), "--election", "e"), 1,
                "sessionTimeout '99999999999999999999s' is too long: a timeout is at most 1 day");
    }

    @Test
    void aGraceLongerThanAThirdOfATermsValidityIsAUsageErrorThatGivesTheBound() {
        // A 3s session less the default safety margin (a fifth) leaves terms 2400ms of validity.
        Outcome o = run("run", "--connect", server.uri("x", ""), "--election", "e", "--ttl", "3s", "--grace", "1h", "--", "true");
        assertOneLineError(o, 2, "--grace 1h is more than a third of a term's validity here (2400ms, the session timeout less the safety margin)");
        assertTrue(o.err().contains("give at most 800ms, or a longer --ttl"), o.err());
    }

    @Test
    void theTtlAndTheUrisSessionTimeoutTogetherAreAUsageError() {
        assertOneLineError(run("run", "--connect", server.uri("x", "sessionTimeout=5s"), "--election", "e", "--ttl", "3s", "--", "true"), 2,
                "--ttl 3s and the URI's sessionTimeout both set the session timeout");
    }

    @Test
    void anEmptyOrMissingCommandIsAUsageErrorBeforeAnyConnection(@TempDir Path dir) throws Exception {
        Path notExecutable = Files.writeString(dir.resolve("job.sh"), "echo hi\n");
        assertOneLineError(run("run", "--connect", "zk://127.0.0.1:1/x", "--election", "e", "--", ""), 2, "the command after -- is empty");
        assertOneLineError(run("run", "--connect", "zk://127.0.0.1:1/x", "--election", "e", "--", "no-such-command-here"), 2,
                "the command 'no-such-command-here' was not found on the PATH");
        assertOneLineError(run("run", "--connect", "zk://127.0.0.1:1/x", "--election", "e", "--", notExecutable.toString()), 2,
                "the command '" + notExecutable + "' is not an executable file");
    }

    @Test
    void aPortThatAnswersInAnotherProtocolFailsSoonAfterTheConnectTimeout() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                while (!http.isClosed()) {
                    try (var socket = http.accept()) {
                        socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".repeat(50).getBytes(StandardCharsets.US_ASCII));
                        socket.getInputStream().read(new byte[64]);
                    } catch (java.io.IOException e) {
                        // closed, or the client went
                    }
                }
            }, "http-lookalike");
            answering.setDaemon(true);
            answering.start();
            long start = System.nanoTime();
            Outcome o = run("status", "--connect", "zk://127.0.0.1:" + http.getLocalPort() + "/x?connectTimeout=1s", "--election", "e");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertOneLineError(o, 1, "within the connect timeout of 1s");
            // ZooKeeper's client pauses up to 1 s between attempts, and closing it waits for that pause.
            assertTrue(tookMs < 5000, "took " + tookMs + " ms");
        }
    }

    @Test
    void aDevServerOnABusyPortSaysSoInOneLineAtOnce() {
        long start = System.nanoTime();
        assertOneLineError(run("dev-server", "--port", Integer.toString(server.port())), 1, "port " + server.port() + " on 127.0.0.1 is in use");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void anEmojiInTheNamespaceIsNamedWithTheRuleAndAnEmptyElectionSaysWhereItLooked() {
        assertOneLineError(run("status", "--connect", server.uri("app-\ud83d\ude80", ""), "--election", "e"), 1,
                "namespace segment 'app-\ud83d\ude80' contains U+1F680 at index 4: a name becomes a ZooKeeper path segment");
        Outcome o = run("status", "--connect", server.uri("caf\u00e9", ""), "--election", "nobody-here");
        assertEquals(0, o.status(), o.err());
        assertTrue(o.err().contains("no candidates in 'nobody-here' at zk://127.0.0.1:" + server.port() + "/caf\u00e9"), o.err());
        assertTrue(o.err().contains("the URI's path is the namespace"), o.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "status", "dev-server", "demo"})
    void eachCommandsHelpHasAUsageLineExamplesAndExitCodes(String command) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute(command, "--help"));
        } finally {
            System.setOut(original);
        }
        String help = captured.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("Usage: elector " + command), help);
        assertTrue(help.contains("Examples:") && help.contains("Exit codes:"), help);
        if (command.equals("run")) {
            assertTrue(help.contains("-- COMMAND [ARG...]") && help.contains("sessionTimeout") && help.contains("escapes"), help);
        }
        for (String line : help.split("\n")) {
            assertTrue(line.length() <= 100, "no line runs on: " + line);
        }
        assertTrue(help.contains("zk://127.0.0.1:2181/") || command.equals("demo") || command.equals("dev-server"), "a whole URI in an example:\n" + help);
    }
}
