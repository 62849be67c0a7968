package dev.elector.cli;

import dev.elector.Coordinator;
import dev.elector.Durations;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.ElectionTimeoutException;
import dev.elector.Leadership;
import dev.elector.Participant;
import dev.elector.RevocationReason;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code elector run}: a service that runs a command only while this process leads. Unlike
 * {@code etcdctl lock}, the command never runs on after leadership is lost: its whole process group is
 * stopped before the term's validity deadline, and is killed if this supervisor dies (see {@link
 * Supervised}). Losing leadership never ends {@code run}: it stays a candidate and runs the command again
 * when it leads again.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "elector run --connect URI --election NAME [OPTIONS] -- COMMAND [ARG...]",
        description = {"Runs COMMAND only while this process leads the election, with ELECTOR_FENCING_TOKEN, ELECTOR_ELECTION and"
                + " ELECTOR_PARTICIPANT in its environment. Losing leadership stops COMMAND and its whole process group;"
                + " run stays a candidate and runs COMMAND again when it leads again.", ""},
        footer = {"", "Examples:",
                "  elector run --connect zk://127.0.0.1:2181/dev --election report -- ./report.sh",
                "  elector run --connect etcd://10.0.0.5:2379/myapp --election compact --ttl 15s \\",
                "      --restart on-failure -- sh -c './compact --all'",
                Help.URI_FOOTER,
                "",
                "Supervision: COMMAND runs in a session and process group of its own. Stopping it signals the",
                "whole group; if elector itself dies, even by SIGKILL, a watchdog kills the group at once. A",
                "descendant that leaves the group (setsid, daemons, a shell with job control) escapes, and so",
                "do COMMAND's children if elector's own process group, watchdog included, is SIGKILLed: then",
                "only COMMAND dies, by its parent-death signal (setpriv). COMMAND's standard input is /dev/null.",
                "",
                "Exit codes: COMMAND's own status when it exits while leading under --restart never; 130 or",
                "143 when stopped by SIGINT or SIGTERM (COMMAND stopped first, then the election left); 1 the",
                "cluster could not be reached or refused; 2 a wrong command line."})
final class RunCommand implements Callable<Integer> {
    enum Restart { NEVER, ON_FAILURE, ALWAYS }

    /** The first restart waits this long; each one in a row doubles it, up to {@link #BACKOFF_CAP}. */
    static final Duration BACKOFF_START = Duration.ofSeconds(1);
    /** The longest wait between restarts; a run that lasted this long is healthy and resets the backoff. */
    static final Duration BACKOFF_CAP = Duration.ofMinutes(1);

    @Option(names = "--connect", required = true, paramLabel = "URI", description = "e.g. zk://127.0.0.1:2181/myapp or etcd://127.0.0.1:2379/myapp")
    String connect;

    @Option(names = "--election", required = true, paramLabel = "NAME", description = "The election's name, shared by every host that runs COMMAND.")
    String election;

    @Option(names = "--id", paramLabel = "ID", description = "Participant id (default: host-pid-n).")
    String id;

    @Option(names = "--ttl", converter = dev.elector.cli.Durations.class, paramLabel = "DURATION",
            description = "Session timeout or lease TTL, e.g. 10s (default: the URI's sessionTimeout, or 10s); the server bounds it, see URI below.")
    Duration ttl;

    @Option(names = "--restart", defaultValue = "never", converter = RestartConverter.class, paramLabel = "never|on-failure|always",
            description = {"When COMMAND exits on its own while leading: never (leave and exit with its status), on-failure (run it"
                    + " again unless it exited 0), always. Restarts back off from 1s, doubling to at most 1m; a run of 1m or more"
                    + " resets that. Default: ${DEFAULT-VALUE}."})
    Restart restart;

    /** The grace period when none is given, unless a third of a term's validity is less. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    @Option(names = "--grace", converter = dev.elector.cli.Durations.class, paramLabel = "DURATION",
            description = "Time between SIGTERM and SIGKILL when COMMAND is stopped: at most a third of a term's validity (the session"
                    + " timeout less the safety margin; 2666ms of a 10s session), so that SIGKILL comes before the deadline."
                    + " Default: 2s, or that third if less.")
    Duration grace;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
    List<String> command;

    @Spec
    CommandSpec spec;

    private volatile boolean stopping;
    private final CompletableFuture<Void> stopSignal = new CompletableFuture<>();
    private final CountDownLatch supervisorDone = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        try {
            Supervised.checkCommand(command);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (ttl != null && connect.matches(".*[?&]sessionTimeout=.*")) {
            throw new ParameterException(spec.commandLine(),
                    "--ttl " + Durations.format(ttl) + " and the URI's sessionTimeout both set the session timeout: give one");
        }
        var options = security.builder();
        if (ttl != null) {
            options.sessionTimeout(ttl);
        }
        Coordinator coordinator = Coordinator.connect(connect, options.build());
        Election leadership;
        try {
            ElectionOptions.Builder electionOptions = ElectionOptions.builder();
            if (id != null) {
                electionOptions.participantId(id);
            }
            leadership = coordinator.election(election, electionOptions.build());
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        try {
            grace = grace(leadership.termValidity());
        } catch (ParameterException e) {
            coordinator.close();
            throw e;
        }
        coordinator.addConnectionListener(Console.connectionLines(coordinator.uri()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGINT or SIGTERM: stop the command first, then leave, which hands over in one round trip.
            stopping = true;
            stopSignal.complete(null);
            try {
                supervisorDone.await(grace.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            coordinator.close();
            Console.say("left '" + election + "'; stopped");
        }, "elector-run-stop"));
        leadership.start();
        Console.say("joined '" + election + "' at " + coordinator.uri() + " as " + leadership.participantId() + "; " + queueLine(leadership));
        try {
            return supervise(leadership);
        } finally {
            supervisorDone.countDown();
            if (!stopping) {
                coordinator.close();
            }
        }
    }

    /**
     * The grace period for terms of {@code validity}: SIGTERM goes out once only the grace period of
     * validity is left, and a third leaves the command most of its term, so a longer one given is refused
     * rather than cut short where nobody sees it.
     */
    private Duration grace(Duration validity) {
        Duration third = validity.dividedBy(3).truncatedTo(ChronoUnit.MILLIS);
        if (grace == null) {
            return DEFAULT_GRACE.compareTo(third) < 0 ? DEFAULT_GRACE : third;
        }
        if (grace.compareTo(third) > 0) {
            throw new ParameterException(spec.commandLine(), "--grace " + Durations.format(grace) + " is more than a third of a term's validity here ("
                    + Durations.format(validity) + ", the session timeout less the safety margin): SIGKILL must come before the deadline,"
                    + " so give at most " + Durations.format(third) + ", or a longer --ttl");
        }
        return grace;
    }

    /** Where this candidate stands, for the line that says it joined. */
    private static String queueLine(Election leadership) {
        try {
            List<Participant> queue = leadership.participants();
            int ahead = 0;
            while (ahead < queue.size() && !queue.get(ahead).id().equals(leadership.participantId())) {
                ahead++;
            }
            return ahead == 0 || ahead == queue.size() ? "waiting to lead" : "waiting behind " + ahead + " (leader " + queue.get(0).id() + ")";
        } catch (RuntimeException e) {
            return "waiting to lead";
        }
    }

    /**
     * Leads, runs, stops and runs again until this process is told to stop, or the command exits on its own
     * while leading and {@code --restart} says to leave.
     */
    private int supervise(Election leadership) throws Exception {
        int restarts = 0;
        while (!stopping) {
            Leadership term;
            try {
                term = leadership.awaitLeadership(Duration.ofSeconds(1));
            } catch (ElectionTimeoutException e) {
                continue;
            }
            if (term.remaining().compareTo(grace) <= 0) {
                // Running out, after a SIGTERM for it: wait for a renewal to extend the term, or for its end.
                awaitAny(Duration.ofMillis(200), term.lost().toCompletableFuture());
                continue;
            }
            long startedAt = System.nanoTime();
            // Said before the start, so that it comes before the command's first line of output.
            Console.say("leads '" + election + "' with token " + term.fencingToken() + "; starting " + String.join(" ", command));
            Supervised child = Supervised.start(command, term, election, leadership.participantId());
            Ending ending = watch(child, term);
            if (ending != Ending.BY_ITSELF) {
                if (ending == Ending.LOST && term.isValid()) {
                    Console.say("the command stopped on the SIGTERM sent as validity ran out; it runs again if renewals return in time");
                } else if (ending == Ending.LOST) {
                    awaitAny(Duration.ofSeconds(1), term.lost().toCompletableFuture()); // the reason is told right behind the end
                    RevocationReason why = term.lost().toCompletableFuture().getNow(null);
                    Console.say("lost leadership" + (why == null ? "" : " (" + why + ")") + "; stopped the command, still a candidate");
                }
                continue;
            }
            int code = child.exitValue();
            boolean again = restart == Restart.ALWAYS || (restart == Restart.ON_FAILURE && code != 0);
            if (!again) {
                Console.say("the command exited with status " + code + "; leaving '" + election + "'");
                return code;
            }
            Duration ran = Duration.ofNanos(System.nanoTime() - startedAt);
            restarts = ran.compareTo(BACKOFF_CAP) >= 0 ? 0 : restarts;
            Duration delay = backoff(restarts++);
            Console.say("the command exited with status " + code + " after " + Durations.format(ran.truncatedTo(ChronoUnit.MILLIS))
                    + "; running it again in " + Durations.format(delay) + " if still leading");
            awaitAny(delay, term.lost().toCompletableFuture());
        }
        return 0;
    }

    /** Waits at most {@code limit} for any of {@code stages}, or for this process to be told to stop. */
    private void awaitAny(Duration limit, CompletableFuture<?>... stages) throws Exception {
        CompletableFuture<?>[] all = java.util.Arrays.copyOf(stages, stages.length + 1);
        all[stages.length] = stopSignal;
        try {
            CompletableFuture.anyOf(all).get(Math.max(1, limit.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the limit passed; the caller looks again
        }
    }

    /** The wait before restart number {@code n} (0 for the first) in a row. */
    static Duration backoff(int n) {
        long millis = BACKOFF_START.toMillis() << Math.min(n, 16);
        return Duration.ofMillis(Math.min(millis, BACKOFF_CAP.toMillis()));
    }

    /** How a run of the command ended. */
    private enum Ending { BY_ITSELF, LOST, STOPPED }

    /**
     * Watches the command until it exits, this process stops, or the term goes. The term is checked before
     * the command: a command that died of the signals sent because the term was ending did not exit on its
     * own. The command gets SIGTERM once less than the grace period of validity is left, so that SIGKILL
     * at the deadline is a last resort, and SIGKILL at once when the term has ended.
     */
    private Ending watch(Supervised child, Leadership term) throws Exception {
        boolean termSent = false;
        while (true) {
            if (stopping) {
                Console.say("stopping: SIGTERM to the command's process group");
                child.stop(grace);
                return Ending.STOPPED;
            }
            if (!term.isValid()) {
                child.kill();
                return Ending.LOST;
            }
            if (!child.isAlive()) {
                child.kill(); // what it left behind in its group, and the watchdog
                return termSent ? Ending.LOST : Ending.BY_ITSELF; // after a SIGTERM for the term, it obeyed
            }
            long untilTerm = term.remaining().minus(grace).toNanos();
            if (!termSent && untilTerm <= 0) {
                Console.say("validity running out; SIGTERM to the command's process group");
                child.terminate();
                termSent = true;
            }
            long wait = termSent ? term.remaining().toNanos() : untilTerm;
            awaitAny(Duration.ofNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200))), child.onExit(), term.lost().toCompletableFuture());
        }
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
