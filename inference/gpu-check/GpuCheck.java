import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs JUnit tests on the device machine, where there is no Maven: one line per test (PASS, FAIL with the
 * message and the top of the stack, SKIP with the reason), a summary, exit status 1 on any failure.
 * Arguments: packages ({@code dev.chrysalis.inference.gpu}), classes ({@code a.b.SomeTest}) or methods
 * ({@code a.b.SomeTest#name}); default the package dev.chrysalis.inference.gpu and its subpackages.
 */
public final class GpuCheck {

    public static void main(String[] args) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String a : args.length == 0 ? new String[] {"dev.chrysalis.inference.gpu"} : args) {
            if (a.contains("#")) {
                selectors.add(DiscoverySelectors.selectMethod(a));
            } else if (Character.isUpperCase(a.charAt(a.lastIndexOf('.') + 1))) {
                selectors.add(DiscoverySelectors.selectClass(a));
            } else {
                selectors.add(DiscoverySelectors.selectPackage(a));
            }
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        PrintStream out = System.out;
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                skipped.incrementAndGet();
                out.println("SKIP " + name(id) + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                    // an assumption that does not hold here (a no-GPU test on the GPU machine) skips, not fails
                    skipped.incrementAndGet();
                    out.println("SKIP " + name(id) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
                    return;
                }
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    if (id.isTest()) {
                        passed.incrementAndGet();
                        out.println("PASS " + name(id));
                    }
                    return;
                }
                failed.incrementAndGet();
                out.println("FAIL " + name(id) + ": " + result.getThrowable().map(Throwable::toString).orElse(result.getStatus().name()));
                result.getThrowable().ifPresent(t -> {
                    StackTraceElement[] st = t.getStackTrace();
                    for (int i = 0; i < Math.min(12, st.length); i++) {
                        out.println("        at " + st[i]);
                    }
                    for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
                        out.println("    caused by " + c);
                    }
                });
            }
        };
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        out.printf("GPU check: %d passed, %d failed, %d skipped%n", passed.get(), failed.get(), skipped.get());
        System.exit(failed.get() > 0 || passed.get() == 0 ? 1 : 0);
    }

    private static String name(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                .map(m -> m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "#" + m.getMethodName() + " " + id.getDisplayName())
                .orElse(id.getDisplayName());
    }
}
