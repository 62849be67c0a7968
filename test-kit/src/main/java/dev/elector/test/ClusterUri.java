package dev.elector.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter of a test under {@link ElectorCluster} that receives the test's URI,
 * the one {@link TestCluster#uri()} gives: every member, the test's own namespace and the annotation's
 * session timeout. For code under test that connects by itself, from a property or a command line. What
 * it connects, it closes; on the in-memory tier, a coordinator connected by the URI alone runs on the
 * system clock, not the {@link ManualClock} ({@link TestCluster#connect()} gives one that does).
 *
 * <pre>{@code
 * @Test
 * void theServiceLeadsWhenStartedFromItsUri(@ClusterUri String uri) {
 *     try (ReportService service = ReportService.start(Map.of("elector.connect", uri))) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ClusterUri {
}
