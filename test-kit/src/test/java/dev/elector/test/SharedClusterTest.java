package dev.elector.test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Clusters shared by name. JUnit runs a class's
 * own tests before its nested classes, so the outer test has recorded its handle when they run.
 */
@ElectorCluster(backend = ElectorCluster.Backend.IN_MEMORY, shared = "kit-shared")
class SharedClusterTest {
    static TestCluster outer;

    @Test
    void recordsItsCluster(TestCluster cluster) {
        outer = cluster;
    }

    @Nested
    @ElectorCluster(backend = ElectorCluster.Backend.IN_MEMORY, shared = "kit-shared")
    class SameNameSameCluster {
        @Test
        void getsTheSameCluster(TestCluster cluster) {
            assertNotNull(outer);
            assertSame(outer, cluster);
        }
    }
}
