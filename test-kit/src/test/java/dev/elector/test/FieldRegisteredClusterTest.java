package dev.elector.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The settings from a field instead of the annotation. */
class FieldRegisteredClusterTest {
    @RegisterExtension
    static final ElectorClusterExtension CLUSTER = ElectorClusterExtension.builder()
            .backend(ElectorCluster.Backend.IN_MEMORY).sessionTimeout("5s").build();

    @Test
    void theFieldsSettingsGiveTheCluster(TestCluster cluster, Coordinator coordinator) {
        assertEquals(ElectorCluster.Backend.IN_MEMORY, cluster.backend());
        assertEquals(Duration.ofSeconds(5), cluster.sessionTimeout());
        assertTrue(coordinator.uri().endsWith("?sessionTimeout=5s"), coordinator.uri());
    }
}
