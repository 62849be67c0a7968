package dev.elector;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Core alone, with no backend on the classpath, as an application that forgot its backend module is.
 * Core's state-machine tests run in {@code elector-test}, on its in-memory backend, which depends on core.
 */
class MissingBackendTest {
    @Test
    void aMissingBackendModuleIsNamedAndAnUnknownSchemeListsTheKnownOnes() {
        ElectionException e = assertThrows(ElectionException.class, () -> Coordinator.connect("etcd://127.0.0.1:2379/app"));
        assertTrue(e.getMessage().contains("add the dependency dev.elector:elector-etcd"), e.getMessage());
        e = assertThrows(ElectionException.class, () -> Coordinator.connect("zk://127.0.0.1:2181/app"));
        assertTrue(e.getMessage().contains("elector-zookeeper"), e.getMessage());
        String msg = assertThrows(IllegalArgumentException.class, () -> Coordinator.connect("consul://127.0.0.1/app")).getMessage();
        assertTrue(msg.contains("unknown scheme 'consul'") && msg.contains("zk://"), msg);
    }
}
