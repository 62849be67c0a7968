package dev.elector.cli;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionListener;
import dev.elector.ElectionOptions;
import dev.elector.Participant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code elector status}: the leader, its token and the queue, once or as it changes. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Prints the current leader, its token and the participants in queue order.")
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--connect", required = true, paramLabel = "URI", description = "e.g. zk://127.0.0.1:2181/myapp or etcd://127.0.0.1:2379/myapp")
    String connect;

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Option(names = "--election", required = true, paramLabel = "NAME")
    String election;

    @Option(names = "--watch", description = "Follow changes of leader until interrupted.")
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
                print(observer.participants());
            }
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            stopped.countDown();
        }, "elector-status-stop"));
        observer.addListener(new ElectionListener() {
            @Override
            public void leaderChanged(Optional<Participant> leader) {
                print(observer.participants());
            }
        });
        observer.start();
        stopped.await();
        return 0;
    }

    private void print(List<Participant> queue) {
        Optional<Participant> leader = queue.stream().findFirst();
        if (json) {
            StringBuilder out = new StringBuilder("{\"election\":").append(quote(election)).append(",\"leader\":")
                    .append(leader.map(StatusCommand::json).orElse("null")).append(",\"participants\":[");
            for (int i = 0; i < queue.size(); i++) {
                out.append(i == 0 ? "" : ",").append(json(queue.get(i)));
            }
            System.out.println(out.append("]}"));
        } else {
            System.out.println("election " + election + "  leader " + leader.map(p -> p.id() + " (token " + p.token() + ")").orElse("none"));
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
