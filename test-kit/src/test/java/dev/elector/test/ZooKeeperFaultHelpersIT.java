package dev.elector.test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fault helpers on a real 3-node ZooKeeper ensemble, each member a JVM of its own. */
@ElectorCluster(backend = ElectorCluster.Backend.ZOOKEEPER, nodes = 3, sessionTimeout = "3s")
class ZooKeeperFaultHelpersIT extends FaultHelpersContract {
    @Test
    void aSessionCannotBeExpiredFromOutsideAndTheErrorSaysWhatToDoInstead(TestCluster cluster) {
        cluster.connect().election("job").start();
        String message = assertThrows(UnsupportedOperationException.class, () -> cluster.expireSession("job", "anyone")).getMessage();
        assertTrue(message.contains("pause the members"), message);
    }
}
