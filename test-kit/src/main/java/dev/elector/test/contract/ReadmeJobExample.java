package dev.elector.test.contract;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.LeaderJob;
import java.time.Duration;
import java.util.function.LongConsumer;

/** The leader-only job example in README.md, kept here so that it compiles and runs against a real cluster. */
final class ReadmeJobExample {
    private ReadmeJobExample() {
    }

    static void run(String uri, LongConsumer compact, Duration howLong) throws InterruptedException {
        // README job example begins
        try (Coordinator coordinator = Coordinator.connect(uri);
             Election election = coordinator.election("compaction").start();
             LeaderJob job = LeaderJob.builder(election, ctx -> {
                 ctx.checkValid();                        // throws once leadership is gone
                 compact.accept(ctx.fencingToken());      // the store rejects older tokens
             }).atFixedRate(Duration.ofMillis(200)).start()) {
            Thread.sleep(howLong.toMillis());             // your service does its other work meanwhile
        }
        // README job example ends
    }
}
