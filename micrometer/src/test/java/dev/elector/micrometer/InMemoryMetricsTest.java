package dev.elector.micrometer;

import dev.elector.test.ElectorCluster;

/** The meters on the in-memory tier. */
@ElectorCluster(backend = ElectorCluster.Backend.IN_MEMORY)
class InMemoryMetricsTest extends ElectorMetricsContract {
}
