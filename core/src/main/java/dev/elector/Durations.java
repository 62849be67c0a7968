package dev.elector;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of Elector's URIs, the {@code elector} command's flags and configuration:
 * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601 such as {@code PT10S}. Durations are
 * printed the same way, so that a value in a message can be pasted back where it came from.
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final long[] UNITS = {3_600_000, 60_000, 1000};
    private static final String[] NAMES = {"h", "m", "s"};

    private Durations() {
    }

    /**
     * Reads a duration.
     *
     * @param what what the value is, for the error, e.g. {@code sessionTimeout} or {@code --ttl}
     * @param value the text
     * @return the duration; zero and negative ones too, which the caller's rule judges
     * @throws IllegalArgumentException naming {@code what}, the value and the syntax, if it is not a duration
     *     or too long for any timeout
     */
    public static Duration parse(String what, String value) {
        Matcher m = SHORT.matcher(value);
        try {
            if (m.matches()) {
                // Digits only, so a failure to parse is a number too large for any timeout.
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            return Duration.parse(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(what + " '" + Checks.printable(value) + "' is too long: a timeout is at most " + Checks.MAX_TIMEOUT_TEXT);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " '" + Checks.printable(value)
                    + "' is not a duration: write it as 500ms, 10s, 2m, 1h or ISO-8601 such as PT10S");
        }
    }

    /**
     * Prints a duration in the largest of {@code h}, {@code m}, {@code s} and {@code ms} that shows it
     * exactly, e.g. {@code 10s}, {@code 1500ms}, {@code 2m}; what is finer than a millisecond, or negative,
     * prints as ISO-8601.
     *
     * @param duration the duration
     * @return the text, which {@link #parse} reads back to the same duration
     */
    public static String format(Duration duration) {
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        for (int i = 0; i < UNITS.length; i++) {
            if (millis % UNITS[i] == 0) {
                return millis / UNITS[i] + NAMES[i];
            }
        }
        return millis + "ms";
    }
}
