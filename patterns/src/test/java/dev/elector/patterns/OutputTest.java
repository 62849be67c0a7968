package dev.elector.patterns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the command writes, and that the same seed writes the same bytes. */
class OutputTest {
    @TempDir
    Path dir;

    private List<String> run(Path out, String seed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = Patterns.run(List.of("--seed", seed, "--trials", "60", "--out", out.toString()),
                new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status);
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void sameSeedSameBytesAnotherSeedAnotherTable() throws IOException {
        List<String> first = run(dir.resolve("a"), "42");
        List<String> second = run(dir.resolve("b"), "42");
        run(dir.resolve("c"), "43");
        for (String file : List.of("table.md", "results.json", "timeline-bully.svg", "timeline-recipe.svg")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)), Files.readAllBytes(dir.resolve("b").resolve(file)), file);
        }
        assertNotEquals(Files.readString(dir.resolve("a/results.json")), Files.readString(dir.resolve("c/results.json")));
        assertEquals(first.get(first.size() - 1), second.get(second.size() - 1));
    }

    @Test
    void tableJsonPicturesAndOneParseableLastLine() throws IOException {
        List<String> lines = run(dir, "5");
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("patterns: seed=5 trials=60 nodes=5( [a-z-]+\\.overlaps=\\d+){6}"), last);
        String table = Files.readString(dir.resolve("table.md"));
        assertEquals(2 + Algorithm.values().length, table.lines().count());
        String json = Files.readString(dir.resolve("results.json"));
        for (Algorithm a : Algorithm.values()) {
            assertTrue(table.contains("| " + a.label + " |"), a.label);
            assertTrue(json.contains("\"algorithm\": \"" + a.label + "\""), a.label);
            String svg = Files.readString(dir.resolve("timeline-" + a.label + ".svg"));
            assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"), a.label);
            assertTrue(svg.contains("node 4") && svg.contains("leads with token"), a.label);
        }
        assertTrue(json.contains("\"trials\": 60"));
    }
}
