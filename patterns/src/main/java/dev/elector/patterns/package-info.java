/**
 * Bully, Ring, Raft's election and the lowest-entry recipe in one deterministic simulator, measured under
 * the same faults: {@link dev.elector.patterns.Patterns}. For teaching and comparison, not for production.
 */
package dev.elector.patterns;
