package dev.elector.it.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.CoordinatorOptions;
import dev.elector.Credentials;
import dev.elector.Tls;
import dev.elector.it.CapturedLog;
import dev.elector.it.ElectionContract;
import dev.elector.it.Pki;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite on a secured cluster, with what every secured suite checks: each refusal comes
 * within the connect timeout and names its cause, and no password reaches a log line or a message of the
 * whole class (the log is captured from before the cluster starts).
 */
abstract class SecuredContract extends ElectionContract {
    /** A wrong password the tests try; it must never be shown either. */
    static final String WRONG = "WRONG-pw-5150";
    static final Duration CONNECT = Duration.ofSeconds(3);
    final Pki pki = Pki.shared();
    private CapturedLog log;

    @BeforeAll
    void captureTheLog() {
        log = CapturedLog.start();
    }

    @AfterAll
    void noPasswordWasLogged() {
        log.close();
        String text = log.text();
        assertFalse(text.isEmpty(), "the log was captured");
        for (String password : Pki.PASSWORDS.values()) {
            assertFalse(text.contains(password), "a password reached the log");
        }
        assertFalse(text.contains(WRONG), "a wrong password reached the log");
    }

    static CoordinatorOptions as(Tls tls, Credentials credentials) {
        return CoordinatorOptions.builder().tls(tls).credentials(credentials).build();
    }

    /** Connecting with {@code options} fails with {@code type} within the connect timeout plus slack, naming no password. */
    <T extends Throwable> T refusedWithin(Class<T> type, CoordinatorOptions options, String uri) {
        long start = System.nanoTime();
        T e = assertThrows(type, () -> Coordinator.connect(uri, options).close(), () -> "connecting with " + options);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(CONNECT.plusSeconds(3)) < 0, "refused after " + took + ": " + e);
        for (String password : Pki.PASSWORDS.values()) {
            assertFalse(String.valueOf(e.getMessage()).contains(password), e.getMessage());
        }
        assertFalse(String.valueOf(e.getMessage()).contains(WRONG), e.getMessage());
        System.out.printf("[security] %s %s -> %s: %s%n", cluster().backendName(), options, e.getClass().getSimpleName(), e.getMessage());
        return e;
    }
}
