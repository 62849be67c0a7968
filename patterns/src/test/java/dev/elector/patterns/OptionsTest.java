package dev.elector.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Bad input exits with 2 and one line that names the value and the rule. */
class OptionsTest {
    private static String[] run(int expected, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Patterns.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expected, status, err.toString(StandardCharsets.UTF_8));
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--nodes 0|--nodes 0: must be between 2 and 15",
        "--nodes 16|--nodes 16: must be between 2 and 15",
        "--trials -1|--trials -1: must be between 1 and 1000000",
        "--trials 0|--trials 0: must be between 1 and 1000000",
        "--trials many|--trials many: must be a whole number",
        "--trials 99999999999|--trials 99999999999: is out of range",
        "--faults crash,fire|--faults crash,fire: unknown fault 'fire'",
        "--seed|--seed: needs a value",
        "--colour red|unknown option '--colour'",
        "--seed 1 --seed 2|--seed: given twice",
        "live --algorithm paxos|--algorithm paxos: unknown; live runs bully or ring",
        "live --algorithm raft|--algorithm raft: live runs bully or ring only",
        "live --nodes 1|--nodes 1: must be between 2 and 15",
        "live --seconds -3|--seconds -3, --kill-leader-after 0: must not be negative",
    })
    void badInputNamesTheValueAndTheRule(String args, String message) {
        String err = run(2, args.split(" "))[1];
        assertTrue(err.startsWith("elector patterns: " + message), err);
        assertEquals(1, err.lines().count(), err);
    }

    @Test
    void equalsFormAndFaultOrderAreAccepted() {
        Options a = Options.parse(List.of("--faults=pause,crash", "--nodes=3"));
        Options b = Options.parse(List.of("--faults", "crash,pause", "--nodes", "3"));
        assertEquals(a, b);
        assertEquals(List.of(FaultKind.CRASH, FaultKind.PAUSE), a.faults());
        assertEquals(1000, a.trials());
    }

    @Test
    void helpIsNotAnError() {
        assertTrue(run(0, "--help")[0].contains("--faults LIST"));
    }
}
