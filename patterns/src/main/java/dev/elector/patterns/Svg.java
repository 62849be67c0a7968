package dev.elector.patterns;

import java.util.List;
import java.util.Locale;

/**
 * One run drawn as a timeline: a lane per node with its believed-leader intervals as bars, faults shaded
 * (crash and pause on the node's lane, partitions and network faults in the bottom lane and as a light
 * band), and every overlap in red.
 */
final class Svg {
    private static final int LEFT = 70;
    private static final int WIDTH = 900;
    private static final int LANE = 26;
    private static final int TOP = 34;

    private Svg() {
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String timeline(Algorithm algorithm, History h, long seed) {
        int lanes = h.nodes + 1;
        int height = TOP + lanes * LANE + 40;
        double scale = (double) WIDTH / h.duration;
        StringBuilder out = new StringBuilder();
        out.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">\n", LEFT + WIDTH + 20, height, LEFT + WIDTH + 20, height));
        out.append(f("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"));
        out.append(f("<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s (seed %d, trial 0): "
                + "leadership bars, faults shaded, overlaps red</text>\n", LEFT, esc(algorithm.description), seed));
        int bottom = TOP + lanes * LANE;
        for (History.Hit hit : h.hits) {
            double x = LEFT + hit.start() * scale;
            double w = Math.max(1, (hit.end() - hit.start()) * scale);
            switch (hit.kind()) {
                case CRASH -> out.append(rect(x, lane(hit.node()) + 2, w, LANE - 4, "#555555", 0.55,
                        "crash of node " + hit.node()));
                case PAUSE -> out.append(rect(x, lane(hit.node()) + 2, w, LANE - 4, "#f0b000", 0.45,
                        "pause of node " + hit.node()));
                default -> {
                    boolean link = hit.kind() == FaultKind.PARTITION || hit.kind() == FaultKind.PARTIAL
                            || hit.kind() == FaultKind.ONEWAY;
                    String color = link ? "#6fa8dc" : "#b7b7b7";
                    if (link) {
                        out.append(rect(x, TOP, w, h.nodes * LANE, color, 0.12, null));
                    }
                    out.append(rect(x, lane(h.nodes) + 3, w, LANE - 6, color, 0.7, hit.kind().label()
                            + (link && hit.kind() != FaultKind.PARTITION ? " at node " + hit.node() : "")));
                    out.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"9\">%s</text>\n", x + 2, lane(h.nodes) + 16,
                            hit.kind().label()));
                }
            }
        }
        List<History.Interval> sorted = Checker.sorted(h);
        for (History.Interval i : sorted) {
            double x = LEFT + i.start * scale;
            double w = Math.max(1, (Math.min(i.end, h.duration) - i.start) * scale);
            out.append(rect(x, lane(i.node) + 6, w, LANE - 12, "#2e7d32", 0.9,
                    "node " + i.node + " leads with token " + i.token));
        }
        for (long[] pair : Checker.overlaps(sorted)) {
            double x = LEFT + pair[2] * scale;
            double w = Math.max(2, (pair[3] - pair[2]) * scale);
            for (int k = 0; k < 2; k++) {
                out.append(rect(x, lane((int) pair[k]) + 3, w, LANE - 6, "#d50000", 0.95,
                        "overlap of nodes " + pair[0] + " and " + pair[1]));
            }
        }
        for (int node = 0; node < lanes; node++) {
            out.append(f("<text x=\"8\" y=\"%d\">%s</text>\n", lane(node) + 17, node < h.nodes ? "node " + node : "network"));
            out.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dddddd\"/>\n", LEFT, lane(node) + LANE,
                    LEFT + WIDTH, lane(node) + LANE));
        }
        for (long s = 0; s <= h.duration / 1_000_000_000L; s += 5) {
            double x = LEFT + s * 1e9 * scale;
            out.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999999\"/>\n", x, bottom, x, bottom + 5));
            out.append(f("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>\n", x, bottom + 17, s));
        }
        out.append(f("<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#444444\">green: believes it leads; dark grey: "
                + "crashed; amber: paused; blue: link fault; grey: loss, duplication or delay; red: overlap</text>\n",
                LEFT, bottom + 34));
        out.append("</svg>\n");
        return out.toString();
    }

    private static int lane(int node) {
        return TOP + node * LANE;
    }

    private static String rect(double x, double y, double w, double h, String fill, double opacity, String title) {
        String body = title == null ? "/>" : "><title>" + esc(title) + "</title></rect>";
        return f("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"%s\n",
                x, y, w, h, fill, opacity, body);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
