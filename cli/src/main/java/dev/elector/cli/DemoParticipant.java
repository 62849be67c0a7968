package dev.elector.cli;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.LeaderJob;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One demo participant, in a JVM of its own so the demo can SIGKILL and SIGSTOP it. It reports on
 * standard output, one event per line with {@code System.nanoTime()} readings, and takes {@code resign}
 * and {@code exit} on standard input. Arguments: URI, participant id, election name, job period in ms.
 */
final class DemoParticipant {
    private DemoParticipant() {
    }

    public static void main(String[] args) throws Exception {
        Console.logging(false);
        Coordinator coordinator = Coordinator.connect(args[0]);
        Election election = coordinator.election(args[2], ElectionOptions.builder().participantId(args[1]).build());
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
        LeaderJob job = LeaderJob.builder(election, ctx -> {
            ctx.checkValid();
            say("RUN " + ctx.fencingToken() + " " + System.nanoTime() + " " + ctx.term().validUntilNanos());
            // The write below is already on its way, as after a validity check that a GC pause followed:
            // it is not checked again, so only the fenced resource can stop it if this term has ended.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]) * 2 / 5);
            while (System.nanoTime() - until < 0) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
            say("WRITE " + ctx.fencingToken() + " " + System.nanoTime() + " " + ctx.term().validUntilNanos());
        }).atFixedRate(Duration.ofMillis(Long.parseLong(args[3]))).start();
        say("READY " + args[1]);
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

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
