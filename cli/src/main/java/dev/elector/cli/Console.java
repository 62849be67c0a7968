package dev.elector.cli;

import dev.elector.ConnectionListener;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * What the commands tell a person on standard error: one line per event, {@code elector: HH:mm:ss ...},
 * and the connection's changes in words. Libraries' own logging stays quiet unless {@code --verbose}
 * (see {@link Main}).
 */
final class Console {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Console() {
    }

    /** Prints one timestamped line on standard error. */
    static void say(String message) {
        System.err.println("elector: " + LocalTime.now().format(TIME) + " " + message);
        System.err.flush();
    }

    /** A listener that says each change of the connection to {@code uri} in one line. */
    static ConnectionListener connectionLines(String uri) {
        return state -> {
            switch (state) {
                case SUSPENDED -> say("connection lost: no renewal acknowledged in time, so nothing here leads; retrying " + uri);
                case SESSION_LOST -> say("session expired, with this process's entries; joining again on a new session");
                case CONNECTED -> say("connection restored to " + uri);
                case CLOSED -> {
                    // the command says why it closes
                }
            }
        };
    }
}
