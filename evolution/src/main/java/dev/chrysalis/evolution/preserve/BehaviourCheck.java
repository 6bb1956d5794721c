package dev.chrysalis.evolution.preserve;

import dev.chrysalis.sandbox.trial.Behaviour;
import dev.chrysalis.spi.replay.ReplayCase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A candidate's behaviour on the neighbour inputs set against main's: it may answer differently (that may be the fix),
 * but it must not fail (throw, time out, crash, break a rule) where main did not. Main is only asked about the
 * neighbours the candidate failed on, so a candidate that handles every neighbour costs no run of main at all.
 *
 * @param newFailures one line per neighbour the candidate fails on and main handled: the input, then both behaviours
 * @param failedAsMain neighbours the candidate fails on as main does (not its doing)
 * @param checked     neighbours the candidate was run on
 */
public record BehaviourCheck(List<String> newFailures, int failedAsMain, int checked) {
    public static final BehaviourCheck NONE = new BehaviourCheck(List.of(), 0, 0);

    public BehaviourCheck {
        newFailures = List.copyOf(newFailures);
    }

    /**
     * @param candidate the candidate's behaviour on every neighbour
     * @param main      observes main on the neighbours given (asked once, with those the candidate failed on, if any)
     */
    public static BehaviourCheck compare(List<ReplayCase> neighbours, Map<String, Behaviour> candidate,
                                         Function<List<ReplayCase>, Map<String, Behaviour>> main) {
        List<ReplayCase> failed = neighbours.stream().filter(n -> observed(candidate, n).failed()).toList();
        Map<String, Behaviour> before = failed.isEmpty() ? Map.of() : main.apply(failed);
        List<String> failures = new ArrayList<>();
        int asMain = 0;
        for (ReplayCase n : failed) {
            Behaviour onMain = observed(before, n);
            if (onMain.failed()) {
                asMain++;
            } else {
                failures.add(n.id() + " " + n.input() + (n.files().isEmpty() ? "" : " (a file edited)") + ": main " + onMain.describe()
                        + ", candidate " + observed(candidate, n).describe());
            }
        }
        return new BehaviourCheck(failures, asMain, neighbours.size());
    }

    private static Behaviour observed(Map<String, Behaviour> seen, ReplayCase n) {
        Behaviour b = seen.get(n.id());
        if (b == null) {
            throw new IllegalArgumentException("neighbour input " + n.id() + " was not observed");
        }
        return b;
    }

    /** For the verdict line. */
    public String summary() {
        if (checked == 0) {
            return "no neighbour input checked";
        }
        String s = (checked - newFailures.size() - failedAsMain) + "/" + checked + " neighbour inputs handled"
                + (failedAsMain == 0 ? "" : ", " + failedAsMain + " failed as on main");
        return newFailures.isEmpty() ? s : s + "; fails where main did not on " + newFailures.size() + ": "
                + newFailures.subList(0, Math.min(3, newFailures.size()));
    }
}
