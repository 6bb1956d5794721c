package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.pipeline.Stage;
import dev.chrysalis.evolution.pipeline.Transition;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The live view of a run: one line per transition as the loop journals it. Batch-level stages show what was
 * located and planned; candidate lines show the candidate's number, branch and mutation operator, then what the
 * stage found (the mutation, the compiler's message, the bundle digest, the trial's result, the verdict).
 */
public final class LiveView implements Consumer<Transition> {
    private static final int MAX_DETAIL = 220;
    private final PrintWriter out;
    private final Map<Integer, String> heads = new HashMap<>();

    public LiveView(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void accept(Transition t) {
        String stages = t.from().label() + " -> " + t.to().label();
        if (t.candidate() == 0) {
            out.printf("  %-16s %-26s %s%n", t.batch(), stages, clip(t.detail()));
        } else {
            String detail = t.detail();
            if (t.to() == Stage.COMPILE) {
                int colon = detail.indexOf(": ");
                String branch = colon > 0 ? detail.substring(0, colon) : "evolve/" + t.batch() + "/" + t.candidate();
                String mutation = colon > 0 ? detail.substring(colon + 2) : detail;
                String operator = mutation.contains(" ") ? mutation.substring(0, mutation.indexOf(' ')) : mutation;
                heads.put(t.candidate(), branch + " (" + operator + ")");
                detail = mutation;
            }
            String head = heads.getOrDefault(t.candidate(), "evolve/" + t.batch() + "/" + t.candidate());
            out.printf("  %-16s %-26s %s: %s%n", t.batch() + " #" + t.candidate(), stages, head, clip(detail));
        }
        out.flush();
    }

    private static String clip(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= MAX_DETAIL ? one : one.substring(0, MAX_DETAIL - 3) + "...";
    }
}
