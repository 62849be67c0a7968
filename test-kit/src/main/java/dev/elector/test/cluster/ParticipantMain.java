package dev.elector.test.cluster;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.LeaderJob;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One participant in a JVM of its own, so that a test or the demo can SIGKILL or SIGSTOP it alone: the
 * contract suite's child, the fault suite's fleet and the {@code elector demo}'s participants. Arguments:
 * URI, election name, participant id, then {@code once} (lead once, close and return) or {@code job=MS}
 * (run a leader-only job every MS milliseconds that reports a run and, 40% of a period later, a write).
 * It prints one event per line with {@code System.nanoTime()} readings:
 * {@code READY id}, {@code ELECTED token at validUntil}, {@code REVOKED token at validUntil reason},
 * {@code RUN token at validUntil}, {@code WRITE token at validUntil}, {@code CLOSED}, {@code BYE}. With a job
 * it takes {@code resign} and {@code exit} on standard input; without, it runs until killed. A secured cluster's PKI and identity come as system
 * properties (see {@link Pki}).
 */
public final class ParticipantMain {
    private ParticipantMain() {
    }

    /**
     * Runs the participant.
     *
     * @param args URI, election, id, and optionally {@code once} or {@code job=MS}
     * @throws InterruptedException if interrupted while leading once
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws InterruptedException, IOException {
        Coordinator coordinator = Coordinator.connect(args[0], Pki.childOptions());
        Election election = coordinator.election(args[1], ElectionOptions.builder().participantId(args[2]).build());
        election.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                say("ELECTED " + term.fencingToken() + " " + System.nanoTime() + " " + term.validUntilNanos());
            }

            @Override
            public void revoked(Leadership term, RevocationReason reason) {
                say("REVOKED " + term.fencingToken() + " " + System.nanoTime() + " " + term.validUntilNanos() + " " + reason);
            }
        });
        election.start();
        String mode = args.length > 3 ? args[3] : "";
        if (mode.equals("once")) {
            // Lead once, then leave: the JVM must exit by itself, as no thread of Elector's may linger.
            election.awaitLeadership(Duration.ofSeconds(60));
            coordinator.close();
            say("CLOSED");
            return;
        }
        if (!mode.startsWith("job=")) {
            say("READY " + args[2]);
            Thread.currentThread().join(); // a test's child lives until the test kills it
        }
        LeaderJob job = job(election, Long.parseLong(mode.substring(4)));
        say("READY " + args[2]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            if (line.equals("resign")) {
                election.resign();
            }
        }
        job.close();
        coordinator.close();
        say("BYE");
    }

    private static LeaderJob job(Election election, long periodMillis) {
        return LeaderJob.builder(election, ctx -> {
            ctx.checkValid();
            say("RUN " + ctx.fencingToken() + " " + System.nanoTime() + " " + ctx.term().validUntilNanos());
            // The write below is already on its way, as after a validity check that a GC pause followed:
            // it is not checked again, so only the fenced resource can stop it if this term has ended.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(periodMillis * 2 / 5);
            while (System.nanoTime() - until < 0) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
            say("WRITE " + ctx.fencingToken() + " " + System.nanoTime() + " " + ctx.term().validUntilNanos());
        }).atFixedRate(Duration.ofMillis(periodMillis)).start();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
