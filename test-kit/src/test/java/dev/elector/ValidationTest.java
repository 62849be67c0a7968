package dev.elector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input is refused up front with a message that names the value and the rule. */
class ValidationTest {
    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", "a..b", ".", "tab\there", "nul\u0000"})
    void badElectionNamesAreRefused(String name) {
        try (Coordinator c = Coordinator.connect("mem://validation")) {
            String msg = message(() -> c.election(name));
            assertTrue(msg.startsWith("election name"), msg);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "1500ms", "10s", "90s", "2m", "1h", "36h", "0s", "PT0.0005S"})
    void durationsPrintInTheSyntaxTheyAreReadIn(String text) {
        assertEquals(text, Durations.format(Durations.parse("d", text)));
    }

    @Test
    void aDurationThatIsNotOneNamesTheValueAndTheSyntax() {
        assertEquals("--ttl 'abc' is not a duration: write it as 500ms, 10s, 2m, 1h or ISO-8601 such as PT10S",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("--ttl", "abc")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("x", "99999999999999999999s")).getMessage()
                .contains("is too long: a timeout is at most 1 day"));
        assertEquals("2m", Durations.format(Duration.ofSeconds(120)));
        assertEquals("PT-1S", Durations.format(Duration.ofSeconds(-1)));
    }

    @Test
    void overLongNamesAreRefusedWithTheLimit() {
        try (Coordinator c = Coordinator.connect("mem://validation")) {
            String msg = message(() -> c.election("x".repeat(129)));
            assertTrue(msg.contains("129") && msg.contains("128"), msg);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-scheme", "zk:/one-slash", "mem://", "mem://host:0", "mem://host:99999", "mem://host:abc",
        "mem://ho st", "mem://host/a/../b", "mem://host?sessionTimeout=soon", "mem://host?colour=blue", "://host"})
    void malformedUrisAreRefused(String uri) {
        String msg = message(() -> Coordinator.connect(uri));
        assertTrue(msg.contains("uri '") || msg.contains("sessionTimeout"), msg);
    }

    @Test
    void nonPositiveDurationsAreRefused() {
        assertEquals("sessionTimeout must be positive, got 0s",
                message(() -> CoordinatorOptions.builder().sessionTimeout(Duration.ZERO).build()));
        assertEquals("connectTimeout must be positive, got PT-1S",
                message(() -> CoordinatorOptions.builder().connectTimeout(Duration.ofSeconds(-1)).build()));
        assertTrue(message(() -> CoordinatorOptions.builder().sessionTimeout(Duration.ofSeconds(2)).safetyMargin(Duration.ofSeconds(2)).build())
                .contains("at most half"));
        assertTrue(message(() -> Coordinator.connect("mem://x?connectTimeout=0s")).contains("connectTimeout must be positive"));
    }

    @Test
    void uriOptionsOverrideCodeOptionsAndTheMarginFollowsTheSessionTimeout() {
        CoordinatorOptions o = Uris.parse("mem://h?sessionTimeout=5s", 1, CoordinatorOptions.defaults()).options();
        assertEquals(Duration.ofSeconds(5), o.sessionTimeout());
        assertEquals(Duration.ofSeconds(1), o.safetyMargin());
        assertEquals("a/b", Uris.parse("mem://h1:1,h2/a/b", 7, CoordinatorOptions.defaults()).namespace());
        assertEquals(7, Uris.parse("mem://h1:1,h2/a/b", 7, CoordinatorOptions.defaults()).endpoints().get(1).port());
        assertEquals(Uris.DEFAULT_NAMESPACE, Uris.parse("mem://[::1]:5", 7, CoordinatorOptions.defaults()).namespace());
    }

    @Test
    void badParticipantOptionsAreRefused() {
        assertTrue(message(() -> ElectionOptions.builder().participantId("").build()).contains("1 to 128"));
        assertTrue(message(() -> ElectionOptions.builder().participantId("a\nb").build()).contains("U+000A"));
        assertTrue(message(() -> ElectionOptions.builder().metadata("m".repeat(2000)).build()).contains("1024"));
        assertTrue(message(() -> ElectionOptions.builder().listenerExecutor(null)).contains("listenerExecutor must not be null"));
    }

    @Test
    void hugeDurationsAreRefusedWithTheLimitNotAnOverflow() {
        String msg = message(() -> Coordinator.connect("mem://h?sessionTimeout=99999999999999999999s"));
        assertTrue(msg.contains("sessionTimeout '99999999999999999999s' is too long") && msg.contains("1 day"), msg);
        msg = message(() -> Coordinator.connect("mem://h?connectTimeout=9999999999999m"));
        assertTrue(msg.contains("connectTimeout") && msg.contains("too long"), msg);
        msg = message(() -> CoordinatorOptions.builder().sessionTimeout(Duration.ofDays(2)).build());
        assertTrue(msg.contains("sessionTimeout 48h is too long"), msg);
    }

    @Test
    void lettersOfEveryScriptAreNamesButEmojiLoneSurrogatesAndPrivateUseAreNotThoughIdsAndMetadataMayHaveEmoji() {
        try (Coordinator c = Coordinator.connect("mem://validation")) {
            c.election("nightly-Überprüfung-日本").close();
            c.election("job", ElectionOptions.builder().participantId("host-\ud83d\ude80").metadata("\ud83d\ude80 rocket").build()).close();
            String msg = message(() -> c.election("nightly-\ud83d\ude80"));
            assertTrue(msg.contains("contains U+1F680 at index 8: a name becomes a ZooKeeper path segment"), msg);
            msg = message(() -> Coordinator.connect("mem://validation/app-\ud83d\ude80"));
            assertTrue(msg.contains("namespace segment 'app-\ud83d\ude80' contains U+1F680"), msg);
            msg = message(() -> c.election("half-\ud83d"));
            assertTrue(msg.contains("unpaired surrogate U+D83D"), msg);
            msg = message(() -> c.election("private-\ue000"));
            assertTrue(msg.contains("U+E000"), msg);
        }
    }
}
