/**
 * Micrometer meters for coordinators, elections and leader-only jobs, usable without Spring:
 * {@link dev.elector.micrometer.ElectorMetrics}.
 */
package dev.elector.micrometer;
