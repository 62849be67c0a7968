package dev.elector.spi;

/** How a backend tells core that its session or lease changed. */
public interface SessionListener {
    /**
     * The session changed: the old one is gone with all of its entries, and {@code newEpoch} is the new
     * one, or 0 while there is none. Called on a backend thread; must not block.
     *
     * @param newEpoch the new session id or lease id, or 0
     */
    void sessionChanged(long newEpoch);
}
