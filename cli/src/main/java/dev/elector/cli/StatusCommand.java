package dev.elector.cli;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.Participant;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code elector status}: the leader, its token and the queue, once or as it changes. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "elector status --connect URI --election NAME [--watch] [--json] [OPTIONS]",
        description = {"Prints the current leader, its token and the participants in queue order. With --watch, prints them again,"
                + " with the time, whenever a candidate joins or leaves, and says when the connection is lost or restored.", ""},
        footer = {"", "Examples:",
                "  elector status --connect zk://127.0.0.1:2181/dev --election report",
                "  elector status --connect etcd://127.0.0.1:2379/myapp --election compact --watch --json",
                Help.URI_FOOTER, Help.EXIT_CODES_STATUS})
final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Option(names = "--connect", required = true, paramLabel = "URI", description = "e.g. zk://127.0.0.1:2181/myapp or etcd://127.0.0.1:2379/myapp")
    String connect;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Option(names = "--election", required = true, paramLabel = "NAME", description = "The election's name.")
    String election;

    @Option(names = "--watch", description = "Follow every change of the queue until interrupted.")
    boolean watch;

    @Option(names = "--json", description = "Print JSON, one object per line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Coordinator coordinator = Coordinator.connect(connect, security.options());
        Election observer;
        try {
            observer = coordinator.election(election, ElectionOptions.builder()
                    .participantId("status-" + ProcessHandle.current().pid()).observer(true).build());
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        if (!watch) {
            try (coordinator) {
                List<Participant> queue = observer.participants();
                print(queue, null);
                hintIfEmpty(queue, coordinator.uri());
            }
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            stopped.countDown();
        }, "elector-status-stop"));
        coordinator.addConnectionListener(Console.connectionLines(coordinator.uri()));
        AtomicBoolean first = new AtomicBoolean(true);
        observer.addListener(new ElectionListener() {
            @Override
            public void participantsChanged(List<Participant> queue) {
                print(queue, Instant.now());
                if (first.getAndSet(false)) {
                    hintIfEmpty(queue, coordinator.uri());
                }
            }
        });
        observer.start();
        stopped.await();
        return 0;
    }

    /** An empty election is most often the right name in another namespace: say where this one looked. */
    private void hintIfEmpty(List<Participant> queue, String uri) {
        if (queue.isEmpty()) {
            Console.say("no candidates in '" + election + "' at " + uri + "; the URI's path is the namespace (/elector without one),"
                    + " and every process of an election must use the same one");
        }
    }

    /** Prints the queue; {@code at} is the time of the change when watching, null otherwise. */
    private void print(List<Participant> queue, Instant at) {
        Optional<Participant> leader = queue.stream().findFirst();
        if (json) {
            StringBuilder out = new StringBuilder("{\"election\":").append(quote(election)).append(",\"leader\":")
                    .append(leader.map(StatusCommand::json).orElse("null")).append(",\"participants\":[");
            for (int i = 0; i < queue.size(); i++) {
                out.append(i == 0 ? "" : ",").append(json(queue.get(i)));
            }
            out.append(']');
            if (at != null) {
                out.append(",\"at\":").append(quote(at.toString()));
            }
            System.out.println(out.append('}'));
        } else {
            System.out.println((at == null ? "" : TIME.format(at) + "  ") + "election " + election + "  leader " + leader.map(p -> p.id() + " (token " + p.token() + ")").orElse("none"));
            for (int i = 0; i < queue.size(); i++) {
                Participant p = queue.get(i);
                System.out.printf("  %d. %s  token %d%s%n", i + 1, p.id(), p.token(), p.metadata().isEmpty() ? "" : "  " + p.metadata());
            }
        }
        System.out.flush();
    }

    private static String json(Participant p) {
        return "{\"id\":" + quote(p.id()) + ",\"metadata\":" + quote(p.metadata()) + ",\"token\":" + p.token() + "}";
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
