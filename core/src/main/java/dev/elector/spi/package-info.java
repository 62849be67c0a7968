/**
 * The backend SPI: an ordered registry of candidate entries bound to one session or lease, every call
 * asynchronous. Backends implement {@link dev.elector.spi.BackendProvider}, found through
 * {@link java.util.ServiceLoader} by URI scheme; core runs the one election algorithm on top.
 */
package dev.elector.spi;
