package dev.elector.cli;

import dev.elector.test.cluster.History;
import dev.elector.test.cluster.ParticipantMain;
import dev.elector.test.cluster.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Participants in JVMs of their own ({@link ParticipantMain}), each running a leader-only job that writes
 * to the fenced resource of a {@link History}. They can be SIGKILLed, SIGSTOPped and resumed one by one,
 * asked to resign, or told to leave. The demo uses it, and so does the fault-injection suite.
 */
public final class Fleet implements AutoCloseable {
    /** Hears each line a participant reports, after the history has taken it in. */
    public interface Listener {
        /**
         * One reported event.
         *
         * @param id the participant
         * @param fields the line split on spaces: {@code READY id}, {@code ELECTED token at validUntil},
         *     {@code REVOKED token at validUntil reason}, {@code RUN token at validUntil}, {@code WRITE token at
         *     validUntil}, {@code BYE}
         * @param accepted for a {@code WRITE}, whether the fenced resource took it
         */
        void event(String id, String[] fields, boolean accepted);
    }

    private final String election;
    private final Duration jobPeriod;
    private final String classpath;
    private final Listener listener;
    private final History history = new History();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    private int nextId = 1;

    /**
     * Creates an empty fleet.
     *
     * @param election the election all participants join
     * @param jobPeriod how often the leader's job writes
     * @param classpath the classpath for the participants' JVMs, holding Elector's cli and backends
     * @param listener hears every event
     */
    public Fleet(String election, Duration jobPeriod, String classpath, Listener listener) {
        this.election = election;
        this.jobPeriod = jobPeriod;
        this.classpath = classpath;
        this.listener = listener;
    }

    /**
     * The history of terms and writes.
     *
     * @return the history the participants' lines are recorded into
     */
    public History history() {
        return history;
    }

    /**
     * Starts a participant named {@code p<n>} connected to {@code uri}.
     *
     * @param uri the cluster, possibly through proxies
     * @return its id
     */
    public synchronized String spawn(String uri) {
        String id = "p" + nextId++;
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=off", "-cp", classpath,
                ParticipantMain.class.getName(), uri, election, id, "job=" + jobPeriod.toMillis());
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            processes.put(id, p);
            Thread reader = new Thread(() -> read(id, p), "elector-fleet-" + id);
            reader.setDaemon(true);
            reader.start();
            return id;
        } catch (IOException e) {
            throw new IllegalStateException("could not start participant " + id + ": " + e.getMessage(), e);
        }
    }

    private void read(String id, Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                handle(id, line.split(" "));
            }
        } catch (IOException | RuntimeException e) {
            // the participant died
        }
    }

    private synchronized void handle(String id, String[] f) {
        counts.computeIfAbsent(id, k -> new LinkedHashMap<>()).merge(f[0], 1, Integer::sum);
        boolean accepted = false;
        switch (f[0]) {
            case "ELECTED" -> history.elected(id, Long.parseLong(f[1]), Long.parseLong(f[2]));
            case "REVOKED" -> history.ended(id, Long.parseLong(f[1]), Math.min(Long.parseLong(f[2]), Long.parseLong(f[3])));
            case "WRITE" -> accepted = history.write(Long.parseLong(f[1]));
            default -> { }
        }
        listener.event(id, f, accepted);
    }

    /**
     * How many lines of a kind a participant has reported.
     *
     * @param id the participant, such as {@code p1}
     * @param kind the line's first word, such as {@code ELECTED}
     * @return the count so far
     */
    public synchronized int count(String id, String kind) {
        return counts.getOrDefault(id, Map.of()).getOrDefault(kind, 0);
    }

    /**
     * The current leader, as the participants reported.
     *
     * @return its id, or empty if none believes it leads
     */
    public Optional<String> leader() {
        return history.leader();
    }

    /**
     * The ids of the participants still running.
     *
     * @return the ids, in start order
     */
    public synchronized List<String> ids() {
        return List.copyOf(processes.keySet());
    }

    /**
     * SIGKILLs a participant; whatever it believed ends now.
     *
     * @param id the participant
     */
    public void kill(String id) {
        Process p;
        synchronized (this) {
            p = processes.remove(id);
        }
        history.died(id, System.nanoTime());
        p.destroyForcibly();
    }

    /**
     * SIGSTOPs a participant.
     *
     * @param id the participant
     */
    public void pause(String id) {
        Processes.signal(process(id), "STOP");
    }

    /**
     * SIGCONTs a participant.
     *
     * @param id the participant
     */
    public void resume(String id) {
        Processes.signal(process(id), "CONT");
    }

    /**
     * Asks a participant to resign.
     *
     * @param id the participant
     */
    public void resign(String id) {
        send(id, "resign");
    }

    private synchronized Process process(String id) {
        return processes.get(id);
    }

    private void send(String id, String command) {
        Process p = process(id);
        if (p == null) {
            return;
        }
        try {
            OutputStream out = p.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // it is gone already
        }
    }

    /**
     * Tells every participant to leave, and kills those that have not within {@code limit}.
     *
     * @param limit how long to wait for each
     * @return whether all left by themselves
     * @throws InterruptedException if the wait was interrupted
     */
    public boolean leaveAll(Duration limit) throws InterruptedException {
        List<String> ids = ids();
        ids.forEach(id -> send(id, "exit"));
        boolean clean = true;
        for (String id : ids) {
            Process p = process(id);
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                clean = false;
                kill(id);
            }
        }
        synchronized (this) {
            processes.clear();
        }
        return clean;
    }

    /** Kills every participant still running. */
    @Override
    public synchronized void close() {
        processes.values().forEach(Process::destroyForcibly);
        processes.clear();
    }
}
