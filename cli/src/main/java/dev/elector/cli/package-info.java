/**
 * The {@code elector} command: {@code demo}, {@code run}, {@code status}, {@code dev-server} and
 * {@code patterns}.
 */
package dev.elector.cli;
