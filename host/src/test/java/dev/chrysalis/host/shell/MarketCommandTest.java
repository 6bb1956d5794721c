package dev.chrysalis.host.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.directory.cli.DirectoryCli;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.cli.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /market}: search the directory under the host's data directory and install from it, in the shell. */
class MarketCommandTest {
    @TempDir
    Path dataDir;

    private void directory(String... args) {
        var buffer = new ByteArrayOutputStream();
        try (var stream = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--home", dataDir.toString())).toArray(String[]::new);
            assertEquals(0, DirectoryCli.run(stream, stream, all), buffer.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void marketSearchesThePublishedDirectoryAndInstallsFromIt() {
        directory("keygen", "publisher", "--trust", "--tier", "core");
        directory("publish", TestBundles.calculatorJar().toString());
        try (HostControl host = HostControl.open(HostConfig.of(dataDir, TestBundles.provisioned()))) {
            var text = new StringWriter();
            var commands = new ShellCommands(host, new PrintWriter(text));
            commands.execute("/market calculator");
            String search = text.toString();
            assertTrue(search.contains("calculator"), search);
            String id = search.strip().lines().findFirst().orElseThrow().split("\\s+")[0];

            text.getBuffer().setLength(0);
            commands.execute("/market astrology");
            assertTrue(text.toString().contains("nothing matches 'astrology'"), text.toString());

            text.getBuffer().setLength(0);
            commands.execute("/market install " + id);
            assertTrue(text.toString().contains(id), text.toString());
            text.getBuffer().setLength(0);
            commands.execute("/market installed");
            assertTrue(text.toString().startsWith(id + " "), text.toString());

            text.getBuffer().setLength(0);
            commands.execute("/help");
            assertTrue(text.toString().contains("/market QUERY | install ID"), text.toString());
        }
    }

    @Test
    void anUntrustedBundleIsTrialledInTheSandboxBeforeItIsInstalled() throws Exception {
        directory("keygen", "stranger", "--trust", "--tier", "untrusted");
        directory("publish", TestBundles.calculatorJar().toString(), "--key", "stranger", "--tier", "untrusted");
        directory("publish", BenchBundles.write(java.nio.file.Files.createDirectories(dataDir.resolve("bench")), "1.0.0").toString(),
                "--key", "stranger", "--tier", "untrusted");
        var trial = ShellCommands.sandboxTrial(TestBundles.provisioned());
        assertTrue(trial.isPresent(), "the host build provides the sandbox runtime beside the bundles");

        var out = new ByteArrayOutputStream();
        try (var stream = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            int status = DirectoryInstalls.run(java.util.List.of("install", "dev.chrysalis.skill.skill-calculator"), dataDir,
                    java.util.Optional.empty(), trial, stream, stream);
            assertEquals(0, status, out.toString(StandardCharsets.UTF_8));
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("sandbox trial passed"), out.toString(StandardCharsets.UTF_8));

        out.reset();
        try (var stream = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            int status = DirectoryInstalls.run(java.util.List.of("install", BenchBundles.SYMBOLIC_NAME), dataDir,
                    java.util.Optional.empty(), trial, stream, stream);
            assertEquals(1, status, out.toString(StandardCharsets.UTF_8));
        }
        String refused = out.toString(StandardCharsets.UTF_8);
        assertTrue(refused.contains("refused (trial-failed)") && refused.contains("no replay.jsonl"), refused);
    }

    @Test
    void marketUpgradeOfALivePluginIsAHotSwap() throws Exception {
        directory("keygen", "publisher", "--trust", "--tier", "core");
        directory("publish", BenchBundles.write(java.nio.file.Files.createDirectories(dataDir.resolve("v1")), "1.0.0").toString());
        directory("publish", BenchBundles.write(java.nio.file.Files.createDirectories(dataDir.resolve("v2")), "1.0.1").toString());
        var out = new ByteArrayOutputStream();
        try (var stream = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            assertEquals(0, DirectoryInstalls.run(java.util.List.of("install", BenchBundles.SYMBOLIC_NAME, "1.0.0"), dataDir,
                    java.util.Optional.empty(), java.util.Optional.empty(), stream, stream), out.toString(StandardCharsets.UTF_8));
        }
        try (HostControl host = HostControl.open(HostConfig.of(dataDir, TestBundles.provisioned()))) {
            assertEquals("1.0.0", host.plugins().plugin(BenchBundles.SYMBOLIC_NAME).orElseThrow().version());
            var text = new StringWriter();
            new ShellCommands(host, new PrintWriter(text)).execute("/market upgrade " + BenchBundles.SYMBOLIC_NAME);
            assertTrue(text.toString().contains("runtime: " + BenchBundles.SYMBOLIC_NAME + " 1.0.1: hot-swapped in, live now"),
                    text.toString());
            assertEquals("1.0.1", host.plugins().plugin(BenchBundles.SYMBOLIC_NAME).orElseThrow().version());
        }
    }
}
