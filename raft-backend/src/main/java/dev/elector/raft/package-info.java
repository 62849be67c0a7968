/**
 * The {@code raft://} backend: Elector's registry of candidate entries as a small replicated state machine
 * on Apache Ratis, among the application's own nodes, with no external server. The fencing token is the
 * Raft log index of the command that created the leader's entry.
 */
package dev.elector.raft;
