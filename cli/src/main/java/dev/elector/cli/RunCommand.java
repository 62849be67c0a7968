package dev.elector.cli;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.ElectionTimeoutException;
import dev.elector.Leadership;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code elector run}: runs a command only while this process leads. Unlike {@code etcdctl lock}, the
 * command never runs on after leadership is lost: its whole process tree is stopped before the term's
 * validity deadline, and the kernel kills it if this supervisor dies.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a command only while this process leads the election, with ELECTOR_FENCING_TOKEN, ELECTOR_ELECTION and"
                + " ELECTOR_PARTICIPANT in its environment.")
final class RunCommand implements Callable<Integer> {
    enum Restart { NEVER, ON_FAILURE, ALWAYS }

    @Option(names = "--connect", required = true, paramLabel = "URI", description = "e.g. zk://127.0.0.1:2181/myapp or etcd://127.0.0.1:2379/myapp")
    String connect;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Option(names = "--election", required = true, paramLabel = "NAME")
    String election;

    @Option(names = "--id", description = "Participant id (default: host-pid-n).")
    String id;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "Session timeout or lease TTL, e.g. 10s (default: the URI's, or 10s).")
    String ttl;

    @Option(names = "--restart", defaultValue = "never", converter = RestartConverter.class, paramLabel = "never|on-failure|always",
            description = "When the command exits while still leading: never (exit with its status), on-failure (restart unless it"
                    + " exited 0), always. Default: ${DEFAULT-VALUE}.")
    Restart restart;

    @Option(names = "--grace", converter = Durations.class, defaultValue = "2s", paramLabel = "DURATION",
            description = "Time between SIGTERM and SIGKILL (default ${DEFAULT-VALUE}); capped to a third of the validity a term starts with.")
    Duration grace;

    @Parameters(arity = "1..*", paramLabel = "cmd", description = "The command and its arguments, after --.")
    List<String> command;

    private volatile boolean stopping;
    private final CompletableFuture<Void> stopSignal = new CompletableFuture<>();
    private final CountDownLatch childStopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        String uri = ttl == null ? connect : connect + (connect.contains("?") ? "&" : "?") + "sessionTimeout=" + ttl;
        Coordinator coordinator = Coordinator.connect(uri, security.options());
        Election leadership;
        try {
            ElectionOptions.Builder options = ElectionOptions.builder();
            if (id != null) {
                options.participantId(id);
            }
            leadership = coordinator.election(election, options.build());
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGINT or SIGTERM: stop the child first, then leave, which hands over in one round trip.
            stopping = true;
            stopSignal.complete(null);
            try {
                childStopped.await(grace.toMillis() + 2000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            coordinator.close();
        }, "elector-run-stop"));
        leadership.start();
        try {
            return supervise(leadership);
        } finally {
            childStopped.countDown();
            if (!stopping) {
                coordinator.close();
            }
        }
    }

    private int supervise(Election leadership) throws Exception {
        while (!stopping) {
            Leadership term;
            try {
                term = leadership.awaitLeadership(Duration.ofSeconds(1));
            } catch (ElectionTimeoutException e) {
                continue;
            }
            // The grace period must end before the deadline: cap it by the validity this term starts with.
            Duration cap = term.remaining().dividedBy(3);
            Duration termGrace = grace.compareTo(cap) < 0 ? grace : cap;
            Process child = start(term, leadership);
            log("leads '" + election + "' with token " + term.fencingToken() + "; started pid " + child.pid());
            boolean exitedByItself = watch(child, term, termGrace);
            if (!exitedByItself) {
                continue;
            }
            int code = child.exitValue();
            boolean again = restart == Restart.ALWAYS || (restart == Restart.ON_FAILURE && code != 0);
            log("the command exited with status " + code + (again ? "; restarting it" : ""));
            if (!again) {
                return code;
            }
        }
        return 0;
    }

    /**
     * Watches the child until it exits, the supervisor stops, or the term goes. Returns whether it exited
     * on its own. The child gets SIGTERM once less than the grace period of validity is left, so that the
     * SIGKILL at the deadline is a last resort; it gets SIGKILL at once when the term has ended.
     */
    private boolean watch(Process child, Leadership term, Duration termGrace) throws Exception {
        boolean termSent = false;
        while (true) {
            List<ProcessHandle> tree = tree(child);
            if (!child.isAlive()) {
                return true;
            }
            if (stopping) {
                signal(tree, false);
                if (!child.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    signal(tree(child), true);
                }
                return false;
            }
            if (!term.isValid()) {
                log("lost leadership; killing pid " + child.pid() + " and its descendants");
                signal(tree, true);
                child.waitFor(5, TimeUnit.SECONDS);
                return false;
            }
            long untilTerm = term.remaining().minus(termGrace).toNanos();
            if (!termSent && untilTerm <= 0) {
                log("validity running out; sending SIGTERM to pid " + child.pid());
                signal(tree, false);
                termSent = true;
            }
            long wait = termSent ? term.remaining().toNanos() : untilTerm;
            try {
                CompletableFuture.anyOf(child.onExit(), term.lost().toCompletableFuture(), stopSignal)
                        .get(Math.max(1, Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200))), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // re-check the deadline
            }
        }
    }

    private Process start(Leadership term, Election leadership) throws Exception {
        List<String> argv = new ArrayList<>();
        // The kernel kills the child if this supervisor dies, even by SIGKILL: it must never run on unsupervised.
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            argv.addAll(List.of("/usr/bin/setpriv", "--pdeathsig", "KILL", "--"));
        }
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().put("ELECTOR_FENCING_TOKEN", Long.toString(term.fencingToken()));
        builder.environment().put("ELECTOR_ELECTION", election);
        builder.environment().put("ELECTOR_PARTICIPANT", leadership.participantId());
        return builder.start();
    }

    private static List<ProcessHandle> tree(Process child) {
        List<ProcessHandle> tree = new ArrayList<>(child.descendants().toList());
        tree.add(0, child.toHandle());
        return tree;
    }

    private static void signal(List<ProcessHandle> tree, boolean kill) {
        for (ProcessHandle p : tree) {
            if (kill) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
        }
    }

    private void log(String message) {
        System.err.println("elector: " + message);
    }

    static final class RestartConverter implements ITypeConverter<Restart> {
        @Override
        public Restart convert(String value) {
            return switch (value) {
                case "never" -> Restart.NEVER;
                case "on-failure" -> Restart.ON_FAILURE;
                case "always" -> Restart.ALWAYS;
                default -> throw new TypeConversionException("'" + value + "' is not one of never, on-failure, always");
            };
        }
    }
}
