package dev.elector.test.contract;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import java.time.Duration;
import java.util.function.LongConsumer;

/** The API example in README.md, kept here so that it compiles and runs against a real cluster. */
final class ReadmeExample {
    private ReadmeExample() {
    }

    static void run(String uri, LongConsumer writeReport) throws InterruptedException {
        // README example begins
        try (Coordinator coordinator = Coordinator.connect(uri)) {       // e.g. "zk://127.0.0.1:2181/myapp"
            Election election = coordinator.election("nightly-report");
            election.addListener(new ElectionListener() {
                @Override
                public void revoked(Leadership term, RevocationReason reason) {
                    System.out.println("no longer leader: " + reason);
                }
            });
            election.start();
            Leadership term = election.awaitLeadership(Duration.ofSeconds(30));
            if (term.isValid()) {
                writeReport.accept(term.fencingToken());   // the store rejects tokens below the highest it saw
            }
            election.close();   // deletes our entry once revoked() returned: the next candidate takes over at once
        }
        // README example ends
    }
}
