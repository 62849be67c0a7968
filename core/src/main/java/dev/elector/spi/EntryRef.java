package dev.elector.spi;

/**
 * What names one candidate entry: enough to watch it, but nothing read from its content.
 *
 * @param election the election name
 * @param key the backend's name of the entry, unique within the election
 * @param order the queue position: the znode's sequence number or the key's create revision; an entry of
 *     the same key with another order is another entry
 */
public record EntryRef(String election, String key, long order) {
}
