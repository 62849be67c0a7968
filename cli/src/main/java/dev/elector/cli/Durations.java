package dev.elector.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 durations from the command line. */
final class Durations implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            Duration d = value.endsWith("ms") ? Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)))
                    : Duration.parse(value.toUpperCase().startsWith("P") ? value : "PT" + value);
            if (d.isZero() || d.isNegative()) {
                throw new TypeConversionException("'" + value + "' must be a positive duration");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a duration: write it as 500ms, 30s, 2m or ISO-8601 such as PT30S");
        }
    }
}
