package dev.chrysalis.host.shell;

import dev.chrysalis.directory.BundleTrial;
import dev.chrysalis.directory.Verification;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.CaseReport;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialReport;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.sandbox.trial.TrialVerdict;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import dev.chrysalis.spi.replay.ReplayFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Trials an untrusted directory bundle in the sandbox before it is installed: the replay cases the bundle
 * ships ({@code replay.jsonl}) run k times in a guarded child JVM; anything but a pass refuses the install.
 * A bundle that ships no cases has nothing to prove itself with and is refused too.
 */
public final class SandboxBundleTrial implements BundleTrial {
    private final SandboxLayout layout;

    /** @param sandboxRuntime the folder holding the workers' runtime (worker-bundles/, worker-classpath.txt, guard jars) */
    public SandboxBundleTrial(Path sandboxRuntime) {
        this.layout = SandboxLayout.fromBuildDirectory(sandboxRuntime);
    }

    @Override
    public Outcome trial(Verification bundle) {
        String skill = skillName(bundle.metadata().symbolicName());
        Optional<String> replay;
        try {
            replay = entry(bundle.jar(), "replay.jsonl");
        } catch (IOException e) {
            return new Outcome.Failed(List.of("cannot read the bundle's replay.jsonl: " + e.getMessage()));
        }
        if (replay.isEmpty()) {
            return new Outcome.Failed(List.of("the bundle ships no replay.jsonl, so it has no cases to be trialled with"));
        }
        List<ReplayCase> cases;
        try {
            cases = ReplayCases.parse(replay.get(), skill, bundle.entry().id() + "!/replay.jsonl");
        } catch (ReplayFormatException e) {
            return new Outcome.Failed(List.of(e.getMessage()));
        }
        if (cases.isEmpty()) {
            return new Outcome.Failed(List.of("the bundle's replay.jsonl holds no cases"));
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("chrysalis-directory-trial-");
            Path jar = work.resolve("candidate.jar");
            Files.write(jar, bundle.jar());
            TrialOptions options = TrialOptions.defaults();
            try (WorkerPool pool = new WorkerPool(layout, WorkerSettings.defaults(work.resolve("workers")).withWarmWorkers(0))) {
                TrialReport report = new TrialRunner(pool).run(jar, cases, options);
                if (report.verdict() instanceof TrialVerdict.Pass) {
                    return new Outcome.Passed("sandbox trial passed " + cases.size() + " replay cases x"
                            + options.runsPerCase() + " in " + report.elapsed().toMillis() + " ms");
                }
                List<String> reasons = Stream.concat(Stream.of("verdict " + report.verdict().label()),
                        report.cases().stream().map(CaseReport::toString).limit(10)).toList();
                return new Outcome.Failed(reasons);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("sandbox trial of " + bundle.entry().id() + " could not run: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** {@code dev.chrysalis.skill.skill-units} -> {@code units}: the name the shipped cases are recorded under. */
    static String skillName(String symbolicName) {
        String last = symbolicName.substring(symbolicName.lastIndexOf('.') + 1);
        return last.startsWith("skill-") ? last.substring("skill-".length()) : last;
    }

    private static Optional<String> entry(byte[] jar, String name) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return Optional.of(new String(zip.readNBytes(4 * 1024 * 1024), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
