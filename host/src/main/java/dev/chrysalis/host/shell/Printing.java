package dev.chrysalis.host.shell;

import dev.chrysalis.host.evidence.BundleDigest;
import dev.chrysalis.host.evidence.EvidenceSummary;
import dev.chrysalis.host.evidence.Failure;
import dev.chrysalis.host.evidence.FailureKind;
import dev.chrysalis.host.evidence.RecordedToolCall;
import dev.chrysalis.host.evidence.TurnRecord;
import dev.chrysalis.host.runtime.SwapReport;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the shell and the CLI show skills, turns, evidence and swaps: plain text, one item per line. */
public final class Printing {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Printing() {
    }

    public static void skills(PrintWriter out, List<SkillSummary> skills) {
        if (skills.isEmpty()) {
            out.println("no skills installed");
            return;
        }
        int width = skills.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        for (SkillSummary s : skills) {
            out.println(pad(s.name(), width) + "  " + oneLine(s.description(), 100) + "  [" + s.plugin() + " " + s.version()
                    + " " + shortDigest(s.digest()) + "]");
        }
    }

    /** One evidence line: {@code #12  2026-03-01 10:00:05Z  USER_FLAG  calculator  "what is 2+3*4" -> "20": should be 14}. */
    public static String evidenceLine(EvidenceSummary e) {
        String kinds = e.kinds().stream().map(FailureKind::name).collect(Collectors.joining(","));
        return "#" + e.turnId() + "  " + TIME.format(e.finished()) + "  " + kinds + "  " + e.plugin().orElse("-")
                + "  \"" + oneLine(e.userMessage(), 60) + "\" -> \"" + oneLine(e.answer(), 60) + "\": "
                + oneLine(e.firstMessage(), 100);
    }

    public static void evidence(PrintWriter out, List<EvidenceSummary> items) {
        if (items.isEmpty()) {
            out.println("no evidence yet (failed turns and turns flagged with /bad appear here)");
            return;
        }
        items.forEach(e -> out.println(evidenceLine(e)));
    }

    /** Everything recorded about a turn. */
    public static void turn(PrintWriter out, TurnRecord t) {
        out.println((t.isEvidence() ? "evidence #" : "turn #") + t.id() + "  session " + t.sessionId() + ", turn "
                + t.turnIndex() + ", " + TIME.format(t.started()) + " ("
                + java.time.Duration.between(t.started(), t.finished()).toMillis() + " ms), brain " + t.brain());
        out.println("  user:   " + t.userMessage());
        out.println("  answer: " + t.answer());
        if (!t.attributes().isEmpty()) {
            new java.util.TreeMap<>(t.attributes()).forEach((k, v) -> out.println("  note " + k + ": " + v));
        }
        for (RecordedToolCall c : t.toolCalls()) {
            out.println("  call " + c.ordinal() + ": " + c.skill() + " " + c.input() + " (" + String.format(Locale.ROOT,
                    "%.2f", c.duration().toNanos() / 1e6) + " ms)");
            c.output().ifPresent(o -> out.println("    output: " + o));
            c.summary().ifPresent(s -> out.println("    summary: " + s));
            c.error().ifPresent(e -> out.println("    error: " + e));
        }
        for (BundleDigest b : t.bundles()) {
            out.println("  bundle " + b.symbolicName() + " " + b.version() + " sha256:" + b.sha256());
        }
        for (Failure f : t.failures()) {
            out.println("  failure " + f.kind() + f.plugin().map(p -> " (" + p + ")").orElse("") + " at "
                    + TIME.format(f.recorded()) + ": " + f.message());
            f.stackTrace().ifPresent(s -> s.lines().limit(12).forEach(l -> out.println("    " + l)));
        }
    }

    public static void history(PrintWriter out, List<TurnRecord> turns) {
        if (turns.isEmpty()) {
            out.println("no turns yet");
            return;
        }
        for (TurnRecord t : turns) {
            out.println("#" + t.id() + " " + TIME.format(t.started()) + "  session " + t.sessionId() + " turn "
                    + t.turnIndex() + (t.isEvidence() ? "  [evidence]" : ""));
            out.println("  you:       " + oneLine(t.userMessage(), 200));
            out.println("  chrysalis: " + oneLine(t.answer(), 200));
        }
    }

    public static String swap(SwapReport r) {
        String verb = r.action() == SwapReport.Action.SWAP ? "swapped" : "rolled back";
        return verb + " " + r.plugin() + " " + r.fromVersion() + " (" + shortDigest(r.fromDigest()) + ") -> "
                + r.toVersion() + " (" + shortDigest(r.toDigest()) + "); new calls served after "
                + String.format(Locale.ROOT, "%.2f", r.cutover().toNanos() / 1e6) + " ms";
    }

    public static String shortDigest(String sha256) {
        return sha256.length() > 12 ? sha256.substring(0, 12) : sha256;
    }

    static String oneLine(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
