package dev.elector.cli;

import dev.elector.Durations;
import dev.elector.Leadership;
import dev.elector.test.cluster.Processes;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code elector run}'s command, with its whole process tree under control, even after this
 * JVM's death.
 *
 * <ul>
 *   <li>The command starts through {@code setsid}, so it leads a session and process group of its own,
 *       which every descendant joins unless it leaves on purpose.</li>
 *   <li>A watchdog shell, started right after it, holds the one end of a pipe from this JVM. Told
 *       {@code TERM} or {@code KILL}, it signals the whole group; when the pipe closes, as it does when
 *       this JVM dies even by SIGKILL, it kills the group. It ignores SIGINT and SIGHUP, which a
 *       terminal sends to this JVM's process group: stopping is this JVM's decision.</li>
 *   <li>The command also gets the kernel's parent-death signal ({@code setpriv --pdeathsig KILL}), for
 *       the moment between its start and the watchdog's. Linux sends it when the thread that started the
 *       child ends, so commands are started on {@code run}'s main thread, which lives as long as
 *       {@code run} does.</li>
 * </ul>
 *
 * What escapes: a descendant that starts a session or process group of its own (a daemon that calls
 * {@code setsid}, a shell with job control); the command's children when this JVM and the watchdog die
 * together (SIGKILL to this JVM's process group, where the watchdog runs), as then only the command's
 * parent-death signal acts; and without {@code setpriv}, in that case the command as well, and when this JVM
 * is SIGKILLed between starting the command and starting the watchdog.
 */
final class Supervised {
    /**
     * $1 is the command's pid, which is its process group's id once setsid ran; lines on standard input
     * say what to send. The pid itself is signalled too: before setsid the group does not exist yet, and
     * the command, not yet forked, is all there is to stop.
     */
    private static final String WATCHDOG = """
            trap '' INT HUP QUIT
            pid=$1
            while read -r signal; do
              kill -s "$signal" -- "-$pid" "$pid" 2>/dev/null
              [ "$signal" = KILL ] && exit 0
            done
            kill -s KILL -- "-$pid" "$pid" 2>/dev/null
            exit 0
            """;

    private final Process command;
    private final Process watchdog;
    private final OutputStream orders;

    private Supervised(Process command, Process watchdog) {
        this.command = command;
        this.watchdog = watchdog;
        this.orders = watchdog.getOutputStream();
    }

    /**
     * Refuses a command that cannot start, at once and as a usage error, rather than at every restart.
     *
     * @throws IllegalArgumentException naming the command and why
     */
    static void checkCommand(List<String> command) {
        String name = command.get(0);
        if (name.isBlank()) {
            throw new IllegalArgumentException("the command after -- is empty: give a program and its arguments, e.g. -- ./report.sh");
        }
        if (name.contains("/")) {
            if (!Files.isExecutable(Path.of(name)) || Files.isDirectory(Path.of(name))) {
                throw new IllegalArgumentException("the command '" + name + "' is not an executable file");
            }
            return;
        }
        if (Processes.onPath(name).isEmpty()) {
            throw new IllegalArgumentException("the command '" + name + "' was not found on the PATH");
        }
    }

    /** Starts {@code argv} for {@code term}, on the calling thread (see the class comment). */
    static Supervised start(List<String> argv, Leadership term, String election, String participantId) throws IOException {
        List<String> line = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            line.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
        }
        line.add("setsid");
        line.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(line)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("ELECTOR_FENCING_TOKEN", Long.toString(term.fencingToken()));
        builder.environment().put("ELECTOR_ELECTION", election);
        builder.environment().put("ELECTOR_PARTICIPANT", participantId);
        Process command = builder.start();
        Process watchdog;
        try {
            // setsid does not fork here (this JVM's child leads no group), so the group's id is the command's pid.
            watchdog = new ProcessBuilder("sh", "-c", WATCHDOG, "elector-watchdog", Long.toString(command.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            command.destroyForcibly();
            throw e;
        }
        return new Supervised(command, watchdog);
    }

    long pid() {
        return command.pid();
    }

    boolean isAlive() {
        return command.isAlive();
    }

    int exitValue() {
        return command.exitValue();
    }

    CompletableFuture<Process> onExit() {
        return command.onExit();
    }

    /** SIGTERM to the whole group. */
    void terminate() {
        order("TERM");
    }

    /** SIGKILL to the whole group, and waits for the command and the watchdog to be gone. */
    void kill() throws InterruptedException {
        order("KILL");
        command.waitFor(5, TimeUnit.SECONDS);
        watchdog.waitFor(5, TimeUnit.SECONDS);
        try {
            orders.close();
        } catch (IOException e) {
            // the watchdog is gone either way
        }
    }

    /** SIGTERM, then SIGKILL once {@code grace} has passed. */
    void stop(Duration grace) throws InterruptedException {
        terminate();
        if (!command.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            Console.say("the command still runs " + Durations.format(grace) + " after SIGTERM; SIGKILL to its process group");
        }
        kill();
    }

    private void order(String signal) {
        try {
            orders.write((signal + "\n").getBytes(StandardCharsets.US_ASCII));
            orders.flush();
        } catch (IOException e) {
            // The watchdog is gone (someone killed it): do what it would have done, for the tree still ours.
            command.descendants().forEach(signal.equals("KILL") ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
            if (signal.equals("KILL")) {
                command.destroyForcibly();
            } else {
                command.destroy();
            }
        }
    }
}
