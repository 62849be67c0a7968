package dev.elector.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.spi.Endpoint;
import java.time.Duration;
import java.util.List;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.junit.jupiter.api.Test;

/** What the leader logs in place of a command the registry must not apply, decided before it is logged. */
class RefusalTest {
    private final List<Endpoint> voters = List.of(new Endpoint("127.0.0.1", 1), new Endpoint("127.0.0.1", 2), new Endpoint("127.0.0.1", 3));
    private final RegistryStateMachine machine = new RegistryStateMachine(new RaftSettings(voters, voters, voters.get(0), null,
            Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(5)));

    private Object logged(Object message) throws Exception {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftPeerId.valueOf("s"))
                .setGroupId(RaftSettings.GROUP).setCallId(1).setMessage(message instanceof Message m ? m : Wire.message(message))
                .setType(RaftClientRequest.writeRequestType()).build();
        TransactionContext transaction = machine.startTransaction(request);
        return Wire.read(transaction.getStateMachineLogEntry().getLogData());
    }

    @Test
    void aSessionShorterThanThreeRaftElectionsIsRefusedWithTheMinimum() throws Exception {
        Wire.Refuse refused = assertInstanceOf(Wire.Refuse.class, logged(new Wire.Open(2000)));
        assertTrue(refused.reason().startsWith("sessionTimeout 2s is shorter than this Raft group allows: at least 3s"), refused.reason());
        assertEquals(new Wire.Open(3000), logged(new Wire.Open(3000)));
    }

    @Test
    void aQuerySentAsACommandIsRefusedNotAppliedOnEveryNode() throws Exception {
        Wire.Refuse refused = assertInstanceOf(Wire.Refuse.class, logged(new Wire.ListEntries("/ns/job")));
        assertTrue(refused.reason().startsWith("not a registry command"), refused.reason());
    }

    @Test
    void bytesThatAreNoMessageAreRefusedNotApplied() throws Exception {
        Wire.Refuse refused = assertInstanceOf(Wire.Refuse.class, logged(Message.valueOf("garbage")));
        assertTrue(refused.reason().startsWith("not a registry command"), refused.reason());
    }
}
