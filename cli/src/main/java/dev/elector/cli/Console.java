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
    private static final String[] LIBRARIES = {"org.apache.zookeeper", "org.apache.curator", "io.etcd", "io.grpc", "io.netty", "io.vertx", "org.apache.ratis"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Console() {
    }

    /**
     * Sets the log levels for a person at a terminal: the commands' own lines say what happens, so the
     * libraries are silent and Elector shows warnings only, except for what the connection lines already
     * say. Verbose: the libraries' warnings and Elector's info. Must run before anything logs, as
     * slf4j-simple reads its levels once; a level given with {@code -D} wins.
     */
    static void logging(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "warn" : "off");
        // Named too, so that a logging file on the classpath that names them cannot make them loud again.
        for (String library : LIBRARIES) {
            setIfAbsent("org.slf4j.simpleLogger.log." + library, verbose ? "warn" : "off");
        }
        setIfAbsent("org.slf4j.simpleLogger.log.dev.elector", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.dev.elector.Liveness", verbose ? "info" : "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
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
