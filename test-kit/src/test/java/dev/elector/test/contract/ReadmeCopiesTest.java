package dev.elector.test.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's code blocks that the suites run are copies of the lines between a source file's
 * {@code // <name> begins} and {@code // <name> ends} markers: each must appear in README.md, whole and
 * unchanged (indentation aside), as a {@code java} block, so that what the README shows is what runs.
 */
class ReadmeCopiesTest {
    @ParameterizedTest
    @CsvSource({
        "src/example/java/dev/elector/test/contract/ReportJobTest.java, README testing example",
        "src/main/java/dev/elector/test/contract/ReadmeExample.java, README example"})
    void theReadmeShowsTheMarkedLinesOfTheSourceThatRuns(String source, String name) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String block = "```java\n" + marked(Files.readAllLines(Path.of(source)), name) + "```\n";
        assertTrue(readme.contains(block), "README.md has no block equal to the lines marked '" + name + "' in " + source + ":\n" + block);
    }

    /** The lines between the markers, less the indentation they share, each ending in a newline. */
    private static String marked(List<String> lines, String name) {
        int begin = lines.indexOf(lines.stream().filter(l -> l.strip().equals("// " + name + " begins")).findFirst()
                .orElseThrow(() -> new AssertionError("no '// " + name + " begins'")));
        int end = lines.indexOf(lines.stream().filter(l -> l.strip().equals("// " + name + " ends")).findFirst()
                .orElseThrow(() -> new AssertionError("no '// " + name + " ends'")));
        List<String> body = lines.subList(begin + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        body.forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return out.toString();
    }
}
