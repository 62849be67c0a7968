package dev.elector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bad input gives one line on standard error and a non-zero status, never a stack trace. */
class CommandLineErrorsTest {
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
        assertOneLineError(run("run", "--connect", "zk://127.0.0.1:1/x", "--election", "e", "--"), 2, "cmd");
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
}
