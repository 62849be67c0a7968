package dev.elector.test.contract;

/**
 * The README's testing example as the README runs it, on the in-memory tier (its inherited
 * {@code @ElectorCluster}): the example is compiled with the kit, where the build runs no tests, so that
 * the contract suite can call it.
 */
class ReportJobInMemoryTest extends ReportJobTest {
}
