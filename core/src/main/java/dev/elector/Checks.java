package dev.elector;

import java.time.Duration;
import java.util.Objects;

/** Input rules shared by options, names and URIs; every message names the value and the rule. */
final class Checks {
    /** Long enough for any sensible name, short enough to keep ZooKeeper paths and etcd keys small. */
    static final int MAX_NAME_LENGTH = 128;

    private Checks() {
    }

    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
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
     * its namespace, collide with a separator, or hide control characters in logs.
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
        return value;
    }

    static String noControl(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || (c >= '\ud800' && c <= '\uf8ff') || c >= '\ufff0') {
                throw new IllegalArgumentException(what + " '" + printable(value) + "' contains the control or reserved character U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
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
