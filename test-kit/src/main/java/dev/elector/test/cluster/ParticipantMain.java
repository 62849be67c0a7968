package dev.elector.test.cluster;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.Leadership;
import dev.elector.RevocationReason;

/**
 * One participant in a child JVM, so that a test can SIGKILL or SIGSTOP it alone. Prints
 * {@code ELECTED <token> <nanoTime>} and {@code REVOKED <token> <reason> <nanoTime>} lines and runs until
 * killed, or with a fourth argument {@code once}, leads once, closes and returns. Arguments: URI, election
 * name, participant id. A secured cluster's PKI and identity come as system properties (see {@link Pki}).
 */
public final class ParticipantMain {
    private ParticipantMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Coordinator coordinator = Coordinator.connect(args[0], Pki.childOptions());
        Election election = coordinator.election(args[1], ElectionOptions.builder().participantId(args[2]).build());
        election.addListener(new ElectionListener() {
            @Override
            public void elected(Leadership term) {
                System.out.println("ELECTED " + term.fencingToken() + " " + System.nanoTime());
                System.out.flush();
            }

            @Override
            public void revoked(Leadership term, RevocationReason reason) {
                System.out.println("REVOKED " + term.fencingToken() + " " + reason + " " + System.nanoTime());
                System.out.flush();
            }
        });
        election.start();
        System.out.println("STARTED " + args[2]);
        System.out.flush();
        if (args.length > 3 && args[3].equals("once")) {
            // Lead once, then leave: the JVM must exit by itself, as no thread of Elector's may linger.
            election.awaitLeadership(java.time.Duration.ofSeconds(60));
            coordinator.close();
            System.out.println("CLOSED");
            System.out.flush();
            return;
        }
        Thread.currentThread().join(); // lives until the test kills it
    }
}
