/**
 * Spring Boot auto-configuration: a coordinator from {@code elector.*}, the declared
 * {@link dev.elector.spring.Elections}, {@link dev.elector.spring.LeaderScheduled} and
 * {@link dev.elector.spring.LeaderOnly}, events, health, the {@code elector} endpoint and meters.
 */
package dev.elector.spring;
