package dev.elector;

import java.time.Duration;
import java.util.Objects;

/** Input rules shared by options, names and URIs; every message names the value and the rule. */
final class Checks {
    /** Long enough for any sensible name, short enough to keep ZooKeeper paths and etcd keys small. */
    static final int MAX_NAME_LENGTH = 128;

    /**
     * The longest session or connect timeout: far beyond any server's bound (ZooKeeper's is 20 ticks, 40 s
     * by default), short enough that every backend can count it in milliseconds as an int.
     */
    static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    static final String MAX_TIMEOUT_TEXT = "1 day";

    private Checks() {
    }

    /** A positive timeout of at most {@link #MAX_TIMEOUT}. */
    static Duration timeout(String what, Duration value) {
        positive(what, value);
        if (value.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(what + " " + Durations.format(value) + " is too long: a timeout is at most " + MAX_TIMEOUT_TEXT);
        }
        return value;
    }

    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + Durations.format(value));
        }
        return value;
    }

    /**
     * A positive duration in nanoseconds, saturated at {@link Long#MAX_VALUE} for durations too long to
     * count in nanoseconds (some 292 years), which mean "wait for ever".
     */
    static long saturatedNanos(String what, Duration value) {
        positive(what, value);
        return value.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : value.toNanos();
    }

    /**
     * A name that is safe as one ZooKeeper path segment and one etcd key segment: it cannot climb out of
     * its namespace, collide with a separator, hide control characters in logs, or hold what ZooKeeper
     * refuses in a path.
     */
    static String name(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " '" + value.substring(0, 20) + "...' is " + value.length()
                    + " characters long; the limit is " + MAX_NAME_LENGTH);
        }
        if (value.indexOf('/') >= 0) {
            throw new IllegalArgumentException(what + " '" + value + "' must not contain '/'");
        }
        if (value.contains("..") || value.equals(".")) {
            throw new IllegalArgumentException(what + " '" + printable(value) + "' must not be '.' or contain '..'");
        }
        noControl(what, value);
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (Character.isSupplementaryCodePoint(c)) {
                // ZooKeeper refuses U+D800 to U+F8FF in paths, so every surrogate pair: one rule for every backend.
                throw new IllegalArgumentException(what + " '" + printable(value) + "' contains U+" + String.format("%04X", c) + " at index " + i
                        + ": a name becomes a ZooKeeper path segment, which takes no character beyond U+FFFF, such as emoji"
                        + " (participant ids and metadata may have them)");
            }
            i += Character.charCount(c);
        }
        return value;
    }

    /**
     * Refuses control characters, private-use characters, unpaired surrogates and the specials block, which
     * hide in logs or break keys; letters of every script and emoji (surrogate pairs) are fine.
     */
    static String noControl(String what, String value) {
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            int type = Character.getType(c);
            boolean lone = type == Character.SURROGATE;
            if (Character.isISOControl(c) || lone || type == Character.PRIVATE_USE || (c >= 0xfff0 && c <= 0xffff)) {
                throw new IllegalArgumentException(what + " '" + printable(value) + "' contains the "
                        + (lone ? "unpaired surrogate" : "control or reserved character") + " U+" + String.format("%04X", c) + " at index " + i);
            }
            i += Character.charCount(c);
        }
        return value;
    }

    /** Shows control characters as escapes, so an error message cannot itself corrupt a log line. */
    static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
