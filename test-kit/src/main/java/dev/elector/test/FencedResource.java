package dev.elector.test;

import java.util.ArrayList;
import java.util.List;

/**
 * A test double of a store that fences: it accepts a write only if its token is at least the highest it
 * has accepted, as a database with a token column or a storage API with a generation check would, and
 * records what it accepted and what it rejected. Thread-safe.
 *
 * @param <T> what is written
 */
public final class FencedResource<T> {
    /**
     * One write.
     *
     * @param token the fencing token it came with
     * @param value what was written
     * @param <T> what is written
     */
    public record Write<T>(long token, T value) {
    }

    private final List<Write<T>> accepted = new ArrayList<>();
    private final List<Write<T>> rejected = new ArrayList<>();
    private long highest = Long.MIN_VALUE;

    /** An empty resource, which accepts any first token. */
    public FencedResource() {
    }

    /**
     * Writes {@code value} with {@code token}.
     *
     * @param token the writer's fencing token
     * @param value the value
     * @return whether it was accepted: false if a higher token was seen before
     */
    public synchronized boolean write(long token, T value) {
        if (token < highest) {
            rejected.add(new Write<>(token, value));
            return false;
        }
        highest = token;
        accepted.add(new Write<>(token, value));
        return true;
    }

    /**
     * The accepted writes, in order.
     *
     * @return a copy
     */
    public synchronized List<Write<T>> accepted() {
        return List.copyOf(accepted);
    }

    /**
     * The writes refused for a stale token, in order: each is a leader that wrote after it was superseded.
     *
     * @return a copy
     */
    public synchronized List<Write<T>> rejected() {
        return List.copyOf(rejected);
    }

    /**
     * The tokens of the accepted writes, in order, without repeats: the terms that wrote, oldest first.
     *
     * @return the tokens
     */
    public synchronized List<Long> tokens() {
        List<Long> tokens = new ArrayList<>();
        for (Write<T> w : accepted) {
            if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != w.token()) {
                tokens.add(w.token());
            }
        }
        return tokens;
    }
}
