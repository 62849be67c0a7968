/**
 * Elector's API: connect a {@link dev.elector.Coordinator} to a cluster with a URI, take part in named
 * {@link dev.elector.Election}s, and run work on the leader only with {@link dev.elector.LeaderJob}. Every term
 * carries a fencing token and a validity deadline; see {@link dev.elector.Leadership}.
 */
package dev.elector;
