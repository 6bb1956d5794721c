package dev.chrysalis.governance.web;

import static dev.chrysalis.governance.web.Html.esc;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** An inline SVG line chart of one plugin's failure rate with vertical promotion / rollback markers (no scripts). */
final class HistoryChart {
    record Marker(Instant at, boolean promoted, String label) {
    }

    private static final int W = 720;
    private static final int H = 180;
    private static final int PAD = 36;

    private HistoryChart() {
    }

    static String svg(String plugin, Instant from, Instant to, List<FailureHistory.Sample> samples, List<Marker> markers) {
        double span = Math.max(1, to.getEpochSecond() - from.getEpochSecond());
        double max = Math.max(0.05, samples.stream().mapToDouble(FailureHistory.Sample::failureRate).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
                W, H, W, H, esc("failure rate of " + plugin)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\" stroke=\"#dde1e8\"/>",
                PAD, 8, W - PAD - 8, H - PAD - 8));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"16\" font-size=\"11\" fill=\"#6b7280\">%.0f%%</text>", 100 * max));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\" fill=\"#6b7280\">0%%</text>", H - PAD));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#6b7280\">%s</text>", PAD, H - 12, esc(from.toString())));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#6b7280\" text-anchor=\"end\">%s</text>",
                W - 8, H - 12, esc(to.toString())));
        for (Marker m : markers) {
            double x = PAD + (W - PAD - 8) * (m.at().getEpochSecond() - from.getEpochSecond()) / span;
            sb.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"8\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"><title>%s</title></line>",
                    m.promoted() ? "marker-promoted" : "marker-rollback", x, x, H - PAD, m.promoted() ? "#11702f" : "#b3261e", esc(m.label())));
        }
        if (!samples.isEmpty()) {
            StringBuilder points = new StringBuilder();
            for (FailureHistory.Sample s : samples) {
                double x = PAD + (W - PAD - 8) * (s.bucketStart().getEpochSecond() - from.getEpochSecond()) / span;
                double y = (H - PAD) - (H - PAD - 8) * s.failureRate() / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            sb.append("<polyline fill=\"none\" stroke=\"#23314d\" stroke-width=\"2\" points=\"").append(points.toString().strip()).append("\"/>");
        }
        return sb.append("</svg>").toString();
    }
}
