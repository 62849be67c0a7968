package dev.elector.cli;

import dev.elector.test.cluster.EmbeddedZooKeeper;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code elector dev-server}: a single-node ZooKeeper for local development and tests. */
@Command(name = "dev-server", mixinStandardHelpOptions = true,
        customSynopsis = "elector dev-server [--port PORT]",
        description = {"Starts an embedded single-node ZooKeeper on 127.0.0.1, prints the URI to connect to (namespace /dev), and runs"
                + " until interrupted. It grants sessions of 1s to 10s. For development only: no TLS, no authentication, data in a"
                + " temporary folder deleted on exit.", ""},
        footer = {"", "Examples:", "  elector dev-server", "  elector dev-server --port 0      # a free port; the URI says which",
                "", "Exit codes: 130 or 143 when stopped by SIGINT or SIGTERM, 1 the server could not start (such as",
                "a port in use), 2 a wrong command line."})
final class DevServerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "2181", paramLabel = "PORT", description = "Client port (default ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + " must be 0 to 65535");
        }
        // 500 ms ticks allow sessions of 1 s to 10 s, which covers Elector's 10 s default.
        EmbeddedZooKeeper server = EmbeddedZooKeeper.start(port, 500);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "elector-dev-server-stop"));
        System.out.println("ZooKeeper dev server on 127.0.0.1:" + server.port() + " (sessions of 1 s to 10 s); Ctrl-C stops it");
        String uri = server.uri("dev", "");
        System.out.println(uri);
        System.out.println("e.g. ./elector run --connect " + uri + " --election job -- ./job.sh    (every process of one election uses this URI)");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
