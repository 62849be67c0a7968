package dev.elector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code elector patterns} delegates to the patterns module: its table, files, summary line and errors. */
class PatternsCommandTest {
    private record Outcome(int status, String out, String err) {
    }

    private static synchronized Outcome run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new PatternsCommand()).execute(args);
            return new Outcome(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void printsTheTableWritesTheFilesAndEndsWithTheSummary(@TempDir Path dir) {
        Outcome outcome = run("--trials", "20", "--seed", "3", "--out", dir.toString());
        assertEquals(0, outcome.status(), outcome.err());
        String[] lines = outcome.out().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("patterns: seed=3 trials=20 nodes=5 bully.overlaps="), outcome.out());
        assertTrue(outcome.out().contains("| recipe |"));
        assertTrue(Files.exists(dir.resolve("table.md")) && Files.exists(dir.resolve("results.json"))
                && Files.exists(dir.resolve("timeline-raft-lease.svg")));
    }

    @Test
    void badInputIsStatusTwoWithTheRule() {
        Outcome outcome = run("--nodes", "0");
        assertEquals(2, outcome.status());
        assertEquals("elector patterns: --nodes 0: must be between 2 and 15", outcome.err().trim());
        Outcome live = run("live", "--algorithm", "raft");
        assertEquals(2, live.status());
        assertTrue(live.err().contains("live runs bully or ring only"), live.err());
    }
}
