/**
 * The {@code etcd://} backend on jetcd: keys bound to one lease per coordinator, ordered by create
 * revision, which is the fencing token; every watch of a coordinator shares one gRPC watch stream.
 */
package dev.elector.etcd;
