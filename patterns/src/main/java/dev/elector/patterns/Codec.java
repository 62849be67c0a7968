package dev.elector.patterns;

import java.util.Arrays;
import java.util.stream.Collectors;

/** One line of text per message, for the TCP transport of Bully and Ring. */
final class Codec {
    private Codec() {
    }

    static String encode(Msg msg) {
        if (msg instanceof Bully.Election e) {
            return "bully.election " + e.epoch();
        } else if (msg instanceof Bully.Answer) {
            return "bully.answer";
        } else if (msg instanceof Bully.Coordinator c) {
            return "bully.coordinator " + c.epoch() + " " + c.heartbeat();
        } else if (msg instanceof Ring.Election e) {
            String ids = Arrays.stream(e.ids()).mapToObj(Integer::toString).collect(Collectors.joining(","));
            return "ring.election " + e.id() + " " + e.initiator() + " " + ids + " " + e.epoch();
        } else if (msg instanceof Ring.Coordinator c) {
            return "ring.coordinator " + c.id() + " " + c.initiator() + " " + c.leader() + " " + c.epoch();
        } else if (msg instanceof Ring.Ack a) {
            return "ring.ack " + a.id();
        } else if (msg instanceof Ring.Heartbeat h) {
            return "ring.heartbeat " + h.epoch();
        }
        throw new IllegalArgumentException("no TCP encoding for " + msg);
    }

    static Msg decode(String line) {
        String[] f = line.trim().split(" ");
        return switch (f[0]) {
            case "bully.election" -> new Bully.Election(Long.parseLong(f[1]));
            case "bully.answer" -> new Bully.Answer();
            case "bully.coordinator" -> new Bully.Coordinator(Long.parseLong(f[1]), Boolean.parseBoolean(f[2]));
            case "ring.election" -> new Ring.Election(Long.parseLong(f[1]), Integer.parseInt(f[2]),
                    Arrays.stream(f[3].split(",")).mapToInt(Integer::parseInt).toArray(), Long.parseLong(f[4]));
            case "ring.coordinator" -> new Ring.Coordinator(Long.parseLong(f[1]), Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]), Long.parseLong(f[4]));
            case "ring.ack" -> new Ring.Ack(Long.parseLong(f[1]));
            case "ring.heartbeat" -> new Ring.Heartbeat(Long.parseLong(f[1]));
            default -> throw new IllegalArgumentException("unknown message '" + line + "'");
        };
    }
}
