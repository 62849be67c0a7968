package dev.elector.cli;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals for the demo's participant processes. */
final class Processes {
    private Processes() {
    }

    static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("could not send SIG" + signal + " to " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
