package dev.elector.patterns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code patterns live}: Bully or Ring as separate local processes over TCP on 127.0.0.1, each one running
 * the same handler class as the simulator. The parent starts the nodes, relays what they say, and kills
 * the leader's process if asked to; any node can be killed by hand with the pid it prints.
 */
final class Live {
    static final String NODE_COMMAND = "live-node";

    /**
     * @param seconds         how long to run; 0 means until interrupted
     * @param killLeaderAfter kill the leader's process after this many seconds; 0 means never
     */
    record Options(Algorithm algorithm, int nodes, long seconds, long killLeaderAfter) {
        Options {
            if (algorithm != Algorithm.BULLY && algorithm != Algorithm.RING) {
                throw new IllegalArgumentException("--algorithm " + algorithm.label + ": live runs bully or ring only");
            }
            dev.elector.patterns.Options.checkNodes(nodes);
            if (seconds < 0 || killLeaderAfter < 0) {
                throw new IllegalArgumentException("--seconds " + seconds + ", --kill-leader-after " + killLeaderAfter
                        + ": must not be negative");
            }
        }

        static Options parse(List<String> args) {
            Map<String, String> values = dev.elector.patterns.Options.flags(args,
                    List.of("--algorithm", "--nodes", "--seconds", "--kill-leader-after"));
            String name = values.getOrDefault("--algorithm", "bully");
            Algorithm algorithm = Algorithm.byLabel(name);
            if (algorithm == null) {
                throw new IllegalArgumentException("--algorithm " + name + ": unknown; live runs bully or ring");
            }
            return new Options(algorithm, dev.elector.patterns.Options.small(values, "--nodes", 5),
                    dev.elector.patterns.Options.number(values, "--seconds", 0),
                    dev.elector.patterns.Options.number(values, "--kill-leader-after", 0));
        }
    }

    private Live() {
    }

    static int run(Options options, PrintStream out) {
        int[] ports = new int[options.nodes()];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket probe = TcpNode.bind(0)) {
                ports[i] = probe.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
        String portList = Arrays.toString(ports).replaceAll("[\\[\\] ]", "");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        List<Thread> relays = new ArrayList<>();
        Thread hook = new Thread(() -> processes.forEach(Process::destroyForcibly));
        Runtime.getRuntime().addShutdownHook(hook);
        int[] leader = {-1};
        try {
            for (int i = 0; i < ports.length; i++) {
                Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        Patterns.class.getName(), NODE_COMMAND, options.algorithm().label, Integer.toString(i), portList)
                        .redirectErrorStream(true).start();
                processes.add(p);
                out.println("node " + i + ": pid " + p.pid() + ", port " + ports[i]);
                Thread relay = new Thread(() -> relay(p, out, leader), "patterns-relay-" + i);
                relay.setDaemon(true);
                relay.start();
                relays.add(relay);
            }
            out.println(options.algorithm().label + " over TCP on 127.0.0.1 with " + ports.length
                    + " processes; kill one (kill <pid>) and watch the others elect"
                    + (options.seconds() == 0 ? "; Ctrl-C stops all" : ""));
            long start = System.nanoTime();
            boolean killed = false;
            while (options.seconds() == 0 || System.nanoTime() - start < options.seconds() * 1_000_000_000L) {
                if (!killed && options.killLeaderAfter() > 0
                        && System.nanoTime() - start >= options.killLeaderAfter() * 1_000_000_000L) {
                    killed = true;
                    int victim;
                    synchronized (leader) {
                        victim = leader[0];
                    }
                    if (victim >= 0) {
                        out.println("killing node " + victim + " (pid " + processes.get(victim).pid() + "), the leader");
                        processes.get(victim).destroyForcibly();
                    }
                }
                if (processes.stream().noneMatch(Process::isAlive)) {
                    break;
                }
                try {
                    Thread.sleep(100);   // the parent's pacing loop, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a node process", e);
        } finally {
            processes.forEach(Process::destroyForcibly);
            for (Process p : processes) {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        return 0;
    }

    private static void relay(Process p, PrintStream out, int[] leader) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] words = line.split(" ");
                if (words.length >= 3 && words[0].equals("node")) {
                    synchronized (leader) {
                        if (words[2].equals("leads")) {
                            leader[0] = Integer.parseInt(words[1]);
                        } else if (leader[0] == Integer.parseInt(words[1])) {
                            leader[0] = -1;
                        }
                    }
                }
                synchronized (out) {
                    out.println(line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended
        }
    }

    /** One node process: {@code live-node <algorithm> <id> <port,port,...>}; it ends when its stdin closes. */
    static int node(List<String> args, PrintStream out) {
        if (args.size() != 3) {
            throw new IllegalArgumentException(NODE_COMMAND + ": needs <algorithm> <id> <ports>");
        }
        Algorithm algorithm = Algorithm.byLabel(args.get(0));
        int id = Integer.parseInt(args.get(1));
        int[] ports = Arrays.stream(args.get(2).split(",")).mapToInt(Integer::parseInt).toArray();
        if (algorithm == null || id < 0 || id >= ports.length) {
            throw new IllegalArgumentException(NODE_COMMAND + " " + args + ": bad algorithm or id");
        }
        try (ServerSocket server = TcpNode.bind(ports[id]);
             TcpNode node = new TcpNode(id, server, ports, algorithm.node(id, ports.length), line -> {
                 synchronized (out) {
                     out.println(line);
                     out.flush();
                 }
             })) {
            out.println("node " + id + " started");
            out.flush();
            // The parent holds our stdin; when it goes (even killed), so do we.
            while (System.in.read() >= 0) {
                continue;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("node " + id + ": " + e.getMessage(), e);
        }
        return 0;
    }
}
