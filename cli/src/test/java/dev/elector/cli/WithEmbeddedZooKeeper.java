package dev.elector.cli;

import dev.elector.test.cluster.EmbeddedZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A real ZooKeeper for a test class, embedded with 500 ms ticks: it grants sessions of 1s to 10s. */
abstract class WithEmbeddedZooKeeper {
    static EmbeddedZooKeeper server;

    @BeforeAll
    static void startServer() throws Exception {
        server = EmbeddedZooKeeper.start(0, 500);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
