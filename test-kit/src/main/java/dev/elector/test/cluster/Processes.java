package dev.elector.test.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/** Helpers for the real processes the tests start: ports, classpath, signals, clean-up. */
public final class Processes {
    private Processes() {
    }

    /**
     * Where clusters keep their data: tmpfs ({@code /dev/shm}) where there is one, so fsync is not in the
     * latency of every write, unless {@code -Delector.cluster.disk=true} asks for the disk.
     *
     * @return {@code /dev/shm}, or {@code java.io.tmpdir}
     */
    public static Path dataRoot() {
        Path shm = Path.of("/dev/shm");
        boolean disk = Boolean.getBoolean("elector.cluster.disk");
        return !disk && Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** A cluster of server processes on ports picked with {@link #freePort()}. */
    public interface Launchable extends AutoCloseable {
        /** Starts every member and waits until they serve. */
        void launch();

        /**
         * The members' log files, some of which may not exist yet.
         *
         * @return the log files, in member order
         */
        List<Path> logs();

        /** Stops every member and deletes the cluster's folder. */
        @Override
        void close();
    }

    /**
     * Makes a cluster in a fresh folder under {@link #dataRoot()} and launches it. A port found free by
     * binding and closing can be taken by another process before the server binds it; only that race, told
     * by "address already in use" in a member's log, is worth a new cluster with new ports, up to three times.
     *
     * @param <T> the cluster's type
     * @param folderPrefix the start of the fresh folder's name, such as {@code "elector-zk-"}
     * @param make makes the cluster, not yet launched, in the folder it is given
     * @return the launched cluster
     */
    public static <T extends Launchable> T launch(String folderPrefix, Function<Path, T> make) {
        for (int attempt = 1; ; attempt++) {
            T cluster;
            try {
                cluster = make.apply(Files.createTempDirectory(dataRoot(), folderPrefix));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                cluster.launch();
                return cluster;
            } catch (RuntimeException | Error e) {
                boolean portTaken = logsMention(cluster.logs(), "address already in use");
                cluster.close();
                if (!portTaken || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static boolean logsMention(List<Path> logs, String text) {
        for (Path log : logs) {
            try {
                if (Files.exists(log) && Files.readString(log).toLowerCase(Locale.ROOT).contains(text)) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Where {@code name} is found on the {@code PATH}, as a shell would find it: the first executable file
     * of that name, an empty entry meaning the current folder.
     *
     * @param name a program's name, without a {@code /}
     * @return its path, or empty if it is not on the PATH
     */
    public static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * A port that was free on 127.0.0.1 a moment ago.
     *
     * @return the port
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test classpath, for child JVMs. Under surefire and failsafe, {@code java.class.path} is only the
     * booter jar; the real path is in {@code surefire.test.class.path}.
     *
     * @return the classpath
     */
    public static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /**
     * Starts {@code mainClass} in a child JVM on the test classpath, its output going to {@code log}.
     *
     * @param mainClass the class whose {@code main} runs
     * @param jvmArgs options for the JVM, before the class
     * @param args arguments for {@code main}
     * @param log the file that takes standard output and error; unused if {@code pipeOutput}
     * @param pipeOutput true to leave the output on the process's pipe for the caller to read
     * @return the started process
     */
    public static Process startJava(String mainClass, List<String> jvmArgs, List<String> args, Path log, boolean pipeOutput) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(testClasspath());
        command.addAll(jvmArgs);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (!pipeOutput) {
            builder.redirectOutput(log.toFile());
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a signal such as {@code STOP} or {@code CONT} to one process.
     *
     * @param process the process
     * @param signal the signal's name, without {@code SIG}
     * @throws IllegalStateException if {@code kill} fails
     */
    public static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a signal to a whole process group, such as one started under {@code setsid}.
     *
     * @param groupLeader the pid of the group's leader, which is the group's id
     * @param signal the signal's name, without {@code SIG}
     * @throws IllegalStateException if {@code kill} fails
     */
    public static void signalGroup(long groupLeader, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + groupLeader).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " -" + groupLeader + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * SIGKILLs a process and waits until it is gone, up to 10 s.
     *
     * @param process the process; null does nothing
     */
    public static void kill(Process process) {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Deletes a directory tree, as a test's clean-up.
     *
     * @param root the tree's top; null or missing does nothing
     */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
