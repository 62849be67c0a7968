package dev.elector.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.raft.Wire.Change;
import dev.elector.raft.Wire.Status;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replicated state as a pure function of commands: the rules every node applies alike. */
class RegistryStateTest {
    private final RegistryState state = new RegistryState();
    private long index;

    private Wire.Reply apply(Object command) {
        // Every command goes through its bytes, as through the log.
        return state.apply(++index, (Wire.Command) Wire.read(Wire.message(command).getContent()));
    }

    @Test
    void tokensAreLogIndicesAndOrderTheQueue() {
        long s = apply(new Wire.Open(3000)).index();
        long a = apply(new Wire.Register(s, "/ns/job", "a", 1)).index();
        long b = apply(new Wire.Register(s, "/ns/job", "b", 2)).index();
        assertTrue(b > a);
        assertEquals(new Wire.Place(Wire.Place.Kind.FIRST, 0), state.position(new Wire.PositionOf("/ns/job", a, s)));
        assertEquals(new Wire.Place(Wire.Place.Kind.BEHIND, a), state.position(new Wire.PositionOf("/ns/job", b, s)));
        assertEquals(new Wire.Place(Wire.Place.Kind.GONE, 0), state.position(new Wire.PositionOf("/ns/job", b, s + 1)), "another session's claim on it is gone");
        apply(new Wire.Delete(s, "/ns/job", a));
        assertEquals(new Wire.Place(Wire.Place.Kind.FIRST, 0), state.position(new Wire.PositionOf("/ns/job", b, s)));
        long c = apply(new Wire.Register(s, "/ns/job", "a", 3)).index();
        assertTrue(c > b, "a new term's entry takes a higher token than every earlier one");
    }

    @Test
    void anExpiryDecidedBeforeANewerRenewalCommittedIsVoid() {
        long s = apply(new Wire.Open(3000)).index();
        long e = apply(new Wire.Register(s, "/ns/job", "a", 1)).index();
        long renewal = apply(new Wire.Renew(s)).index();
        apply(new Wire.Renew(s));
        apply(new Wire.Expire(s, renewal)); // decided on the renewal before the last
        assertTrue(state.exists(new Wire.Exists("/ns/job", e)));
        assertEquals(Status.OK, apply(new Wire.Renew(s)).status());
        long last = state.sessions().get(0).lastRenewIndex();
        apply(new Wire.Expire(s, last));
        assertFalse(state.exists(new Wire.Exists("/ns/job", e)));
        assertEquals(Status.NO_SESSION, apply(new Wire.Renew(s)).status());
        assertEquals(Status.NO_SESSION, apply(new Wire.Register(s, "/ns/job", "a", 2)).status());
    }

    @Test
    void theFeedReportsChangesInLogOrderUnderItsPrefix() {
        long cursor = state.lastIndex();
        long s = apply(new Wire.Open(3000)).index();
        long a = apply(new Wire.Register(s, "/ns/job", "a", 1)).index();
        apply(new Wire.Register(s, "/other/job", "x", 2));
        apply(new Wire.Close(s));
        List<Change> changes = state.changes(cursor, "/ns/").changes();
        assertEquals(List.of(Change.Kind.ADDED, Change.Kind.REMOVED, Change.Kind.SESSION_ENDED), changes.stream().map(Change::kind).toList());
        assertEquals(a, changes.get(1).subject());
        assertTrue(state.changes(state.lastIndex(), "/ns/").changes().isEmpty());
    }

    @Test
    void aWithdrawTakesBackOnlyTheEntryOfItsNonce() {
        long s = apply(new Wire.Open(3000)).index();
        long a = apply(new Wire.Register(s, "/ns/job", "a", 7)).index();
        long b = apply(new Wire.Register(s, "/ns/job", "a", 8)).index();
        apply(new Wire.Withdraw(s, "/ns/job", 7));
        apply(new Wire.Withdraw(s, "/ns/job", 9)); // a register that never committed: nothing to take back
        assertFalse(state.exists(new Wire.Exists("/ns/job", a)));
        assertTrue(state.exists(new Wire.Exists("/ns/job", b)));
    }

    @Test
    void aRetriedRegisterGetsTheEntryItsFirstAttemptAdded() {
        long s = apply(new Wire.Open(3000)).index();
        long first = apply(new Wire.Register(s, "/ns/job", "a", 7)).index();
        assertEquals(first, apply(new Wire.Register(s, "/ns/job", "a", 7)).index());
        assertEquals(1, state.entries("/ns/job").size());
    }

    @Test
    void commandsOfASessionThatIsGoneChangeNothing() {
        assertEquals(Status.NO_SESSION, apply(new Wire.Renew(99)).status());
        assertEquals(Status.NO_SESSION, apply(new Wire.Delete(99, "/ns/job", 1)).status());
    }

    @Test
    void aRegisterThatArrivesAfterItsWithdrawalIsRefused() {
        long s = apply(new Wire.Open(3000)).index();
        apply(new Wire.Withdraw(s, "/ns/job", 7)); // the client gave up on it; it was still on its way
        assertEquals(Status.REFUSED, apply(new Wire.Register(s, "/ns/job", "a", 7)).status());
        assertTrue(state.entries("/ns/job").isEmpty());
        assertEquals(Status.OK, apply(new Wire.Register(s, "/ns/job", "a", 8)).status());
    }

    @Test
    void aRefusalIsAnsweredAlikeEverywhereAndChangesNothing() {
        Wire.Reply reply = apply(new Wire.Refuse("sessionTimeout 1s is shorter than this Raft group allows"));
        assertEquals(Status.REFUSED, reply.status());
        assertTrue(reply.reason().startsWith("sessionTimeout 1s"));
        assertTrue(state.sessions().isEmpty());
    }

    @Test
    void aSnapshotRestoresTheStateAndTheFeedStartsAfterIt() throws Exception {
        long s = apply(new Wire.Open(3000)).index();
        long a = apply(new Wire.Register(s, "/ns/job", "a\nmeta", 1)).index();
        long b = apply(new Wire.Register(s, "/ns/job", "b", 2)).index();
        RegistryState copy = new RegistryState();
        copy.restore(new DataInputStream(new ByteArrayInputStream(state.snapshot())));
        assertEquals(state.entries("/ns/job"), copy.entries("/ns/job"));
        assertEquals(state.sessions(), copy.sessions());
        assertTrue(copy.changes(a, "/ns/").reset(), "changes from before the snapshot are not held");
        assertFalse(copy.changes(copy.lastIndex(), "/ns/").reset());
        copy.apply(b + 1, new Wire.Close(s));
        assertTrue(copy.entries("/ns/job").isEmpty(), "the restored session still owns its entries");
    }
}
