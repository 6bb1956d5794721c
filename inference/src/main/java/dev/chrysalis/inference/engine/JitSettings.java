package dev.chrysalis.inference.engine;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The JIT limits the CPU kernels need to stay compiled to vector instructions, which {@code ./chrysalis} passes to
 * the JVM. The Vector API's shared methods see several vector classes while the kernels of different formats warm
 * up; past HotSpot's default of 4 deoptimizations at one bytecode, C2 stops speculating there and every vector
 * through it is boxed (measured: Q8_0 decode at 2.5-6 instead of 16 tok/s in 8 of 18 runs after a Q4_0 model).
 * And C2 stops inlining into a method at 40000 live nodes by default, which the four-tile Q5_K kernel reaches in
 * some JVMs. A JVM started some other way gets a warning naming the options, once.
 */
final class JitSettings {

    /** Option name to the least value that kept the kernels compiled (0 collapses in 12 runs). */
    static final Map<String, Long> RECOMMENDED = recommended();

    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final System.Logger LOG = System.getLogger(JitSettings.class.getName());

    private JitSettings() {
    }

    private static Map<String, Long> recommended() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("PerBytecodeTrapLimit", 64L);
        m.put("PerMethodTrapLimit", 2000L);
        // C2's budget of live nodes for inlining into one method: the Q5_K decode kernel reaches the default 40000 in
        // some JVMs, and its vector calls left out-of-line allocate (see the chrysalis script)
        m.put("LiveNodeCountInliningCutoff", 60000L);
        return m;
    }

    /** The recommended options this JVM runs below, as command-line flags; empty when all are set (or not HotSpot). */
    static List<String> missing() {
        HotSpotDiagnosticMXBean hotspot;
        try {
            hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException e) {
            return List.of();
        }
        if (hotspot == null) {
            return List.of();
        }
        return missing(name -> {
            try {
                return Optional.of(hotspot.getVMOption(name).getValue());
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // not an option of this JVM
            }
        });
    }

    /** The recommended options whose value ({@code vmOption}, empty when the JVM has no such option) is below it. */
    static List<String> missing(Function<String, Optional<String>> vmOption) {
        List<String> flags = new ArrayList<>();
        RECOMMENDED.forEach((name, least) -> vmOption.apply(name).ifPresent(value -> {
            try {
                if (Long.parseLong(value) < least) {
                    flags.add("-XX:" + name + "=" + least);
                }
            } catch (NumberFormatException e) {
                // not a number: not the option this is about
            }
        }));
        return flags;
    }

    /** Logs, once per JVM, which recommended options are missing; asks the JVM only until then. */
    static void warnIfMissing() {
        if (WARNED.get()) {
            return;
        }
        List<String> flags = missing();
        if (!flags.isEmpty() && WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "this JVM runs without " + String.join(" ", flags) + ": the CPU kernels may "
                    + "fall back to boxed vectors after several models (decode several times slower); ./chrysalis sets them");
        }
    }
}
