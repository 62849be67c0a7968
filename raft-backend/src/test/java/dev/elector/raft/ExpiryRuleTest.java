package dev.elector.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The leader's expiry rule on a clock the test sets: from the later of the last renewal applied here and the promotion. */
class ExpiryRuleTest {
    private static final long S = 1_000_000_000L;
    private final List<RegistryState.Session> sessions = List.of(new RegistryState.Session(7, 3000, 42));

    @Test
    void aSessionExpiresATtlAfterItsLastRenewalAppliedHere() {
        Map<Long, Long> renewedAt = Map.of(7L, 10 * S);
        assertTrue(RegistryStateMachine.due(sessions, renewedAt, 5 * S, 13 * S).isEmpty(), "exactly a TTL: not yet");
        assertEquals(List.of(new Wire.Expire(7, 42)), RegistryStateMachine.due(sessions, renewedAt, 5 * S, 13 * S + 1));
    }

    @Test
    void aPromotionRestartsTheClockOfEverySession() {
        Map<Long, Long> renewedAt = Map.of(7L, 1 * S); // applied long ago, maybe by an earlier leader's follower
        assertTrue(RegistryStateMachine.due(sessions, renewedAt, 10 * S, 12 * S).isEmpty());
        assertEquals(1, RegistryStateMachine.due(sessions, renewedAt, 10 * S, 13 * S + 1).size());
    }

    @Test
    void aSessionWithNoRenewalAppliedHereIsMeasuredFromThePromotion() {
        assertTrue(RegistryStateMachine.due(sessions, Map.of(), 10 * S, 12 * S).isEmpty());
        assertEquals(1, RegistryStateMachine.due(sessions, Map.of(), 10 * S, 13 * S + 1).size());
    }
}
