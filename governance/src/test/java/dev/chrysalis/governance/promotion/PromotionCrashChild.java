package dev.chrysalis.governance.promotion;

import dev.chrysalis.governance.testing.GovernanceFixture;
import dev.chrysalis.governance.testing.SimulatedHost;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs one promotion in its own JVM and stops dead ({@code Runtime.halt}, no shutdown hooks, no flushing:
 * what kill -9 leaves behind) when the promotion reaches step number {@code haltAt}.
 * Arguments: DATA_DIR promote|rollback|recover HALT_AT (a step number or a step name). Prints {@code HALT n step} or {@code DONE n state}; a run that
 * does not halt also lists every step as {@code STEP n name}.
 */
public final class PromotionCrashChild {
    static final String PLUGIN = GovernanceFixture.PLUGIN;
    static final PromotionPlan PLAN = new PromotionPlan(3, 0.2, 50, 3, 3, Duration.ZERO, 2, 0.34, 0.5, 10, 0.5);

    private PromotionCrashChild() {
    }

    static Map<String, Function<String, String>> behaviours(GovernanceFixture f, String scenario) {
        Function<String, String> candidate = scenario.equals("rollback")
                ? s -> {
                    if (s.startsWith("late")) {
                        throw new IllegalStateException("candidate fails on live traffic: " + s);
                    }
                    return s.toUpperCase();
                }
                : String::toUpperCase;
        return Map.of(f.v1, String::toUpperCase, f.v2, candidate);
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        String scenario = args[1];
        boolean byName = !args[2].chars().allMatch(Character::isDigit);
        int haltAt = byName ? Integer.MAX_VALUE - 1 : Integer.parseInt(args[2]);
        String haltAtName = byName ? args[2] : "";
        var f = GovernanceFixture.open(dataDir, Clock.systemUTC());
        var host = new SimulatedHost(f.hostState(), behaviours(f, scenario));
        int[] count = {0};
        StepListener steps = step -> {
            count[0]++;
            if (haltAt == Integer.MAX_VALUE) {
                System.out.println("STEP " + count[0] + " " + step);
            }
            if (count[0] == haltAt || step.equals(haltAtName)) {
                System.out.println("HALT " + count[0] + " " + step);
                System.out.flush();
                Runtime.getRuntime().halt(137);
            }
        };
        var controller = new PromotionController(PLAN, host, host, f.approvals, f.audit, f.journalDir(), Clock.systemUTC(), steps);
        if (scenario.equals("recover")) {
            // a restart that is itself killed part-way through recovery
            controller.recover();
            System.out.println("DONE " + count[0] + " recovered");
            f.close();
            return;
        }
        controller.start(PLUGIN, f.v2Jar, "crash-test");
        for (int i = 0; i < 1000; i++) {
            PromotionState state = controller.status(PLUGIN).orElseThrow().state();
            if (state.terminal()) {
                break;
            }
            try {
                host.call(PLUGIN, "session-" + (i % 3), (state == PromotionState.PROBATION ? "late" : "early") + i);
            } catch (RuntimeException expected) {
                // the candidate's failures are what the rollback scenario is about
            }
        }
        System.out.println("DONE " + count[0] + " " + controller.status(PLUGIN).orElseThrow().state());
        f.close();
    }
}
