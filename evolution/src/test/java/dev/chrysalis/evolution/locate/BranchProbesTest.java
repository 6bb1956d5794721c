package dev.chrysalis.evolution.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.build.CompileResult;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.support.Build;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jdt.core.dom.Statement;
import org.junit.jupiter.api.Test;

/**
 * A conditional expression's branch on a line of its own gets a probe of its own: a statement spread over two lines,
 * {@code odd ? a : b}, otherwise has one probe that every case runs, and the spectrum cannot tell its branches apart.
 */
class BranchProbesTest {
    static final String FILE = "src/main/java/x/Median.java";
    static final String SOURCE = """
            package x;

            import java.util.List;
            import java.util.function.IntSupplier;

            final class Median {
                static int of(List<Integer> sorted) {
                    int n = sorted.size();
                    int median = n % 2 == 1 ? sorted.get(n / 2)
                            : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
                    IntSupplier lazy = n > 0
                            ? () -> sorted.get(0)
                            : () -> 0;
                    String label = n > 9
                            ? ("many" /* a comment */)
                            : null;
                    return median + lazy.getAsInt() + (label == null ? 0 : 1);
                }
            }
            """;

    @Test
    void theElseBranchOnItsOwnLineIsProbedAndTheSourceStillCompilesWithItsLineNumbers() {
        Map<String, String> methods = new HashMap<>();
        Map<String, Statement> statements = new HashMap<>();
        String probed = SpectrumLocator.instrument(FILE, SOURCE, methods, statements);

        assertEquals(SOURCE.lines().count(), probed.lines().count(), "every line keeps its number");
        assertTrue(probed.contains("(chrysalisprobe.Probe.branch(\"" + FILE + ":10\") ? ((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2) : "
                + "((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2))"), probed);
        assertEquals("Median.of", methods.get(FILE + ":10"));
        assertFalse(methods.containsKey(FILE + ":12") || methods.containsKey(FILE + ":13"), "lambdas are not written twice: " + methods);
        assertFalse(methods.containsKey(FILE + ":15"), "nor is a branch holding a comment");
        assertTrue(probed.contains("(chrysalisprobe.Probe.branch(\"" + FILE + ":16\") ? (null) : (null))"), "a null branch is probed: " + probed);
        assertFalse(probed.contains("Probe.branch(\"" + FILE + ":9\")"), "a branch on a line with a statement probe shares that probe");

        Map<String, String> files = Map.of("src/main/java/x/Median.java", probed, "src/main/java/chrysalisprobe/Probe.java", """
                package chrysalisprobe;

                public final class Probe {
                    public static void hit(String id) {
                    }

                    public static boolean branch(String id) {
                        return true;
                    }
                }
                """);
        var compiled = new PluginCompiler(Build.compileClasspath()).compile(files);
        assertInstanceOf(CompileResult.Compiled.class, compiled, compiled::toString);
    }
}
