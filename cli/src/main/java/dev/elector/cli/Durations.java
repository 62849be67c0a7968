package dev.elector.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a positive duration flag in the syntax of Elector's URIs ({@code 500ms}, {@code 10s}, {@code 2m},
 * {@code 1h} or ISO-8601), at most a day; a value that breaks the rule is a usage error.
 */
final class Durations implements ITypeConverter<Duration> {
    private static final Duration MAX = Duration.ofDays(1);

    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = dev.elector.Durations.parse("", value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage().strip());
        }
        if (d.isZero() || d.isNegative()) {
            throw new TypeConversionException("'" + value + "' must be a positive duration, such as 10s");
        }
        if (d.compareTo(MAX) > 0) {
            throw new TypeConversionException("'" + value + "' is too long: at most " + dev.elector.Durations.format(MAX));
        }
        return d;
    }
}
