package dev.chrysalis.host.cli;

import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.cli.GovernanceCli;
import dev.chrysalis.governance.policy.Policy;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.promotion.RecoveryOutcome;
import dev.chrysalis.host.evidence.EvidenceExport;
import dev.chrysalis.host.llm.LlmBrain;
import dev.chrysalis.host.mcp.McpServer;
import dev.chrysalis.host.mcp.McpServers;
import dev.chrysalis.host.openai.OpenAiHandlers;
import dev.chrysalis.spi.brain.Brain;
import dev.chrysalis.spi.skill.SkillLimits;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.host.evidence.TurnRecord;
import dev.chrysalis.host.runtime.PluginInfo;
import dev.chrysalis.host.server.HostServer;
import dev.chrysalis.host.shell.DirectoryInstalls;
import dev.chrysalis.host.shell.HostControl;
import dev.chrysalis.host.shell.ShellCommands;
import dev.chrysalis.sandbox.cli.TrialCli;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands the host takes from the other modules: {@code trial} and {@code bench trial} (sandbox),
 * {@code policy}, {@code audit}, {@code user} (governance), {@code directory} (the plugin directory),
 * {@code evidence replay} and {@code serve}. Each passes its words on to the module's own command line,
 * adding what the host knows (data directory, the trial workers' runtime) when not given.
 */
final class WiredCommands {
    private WiredCommands() {
    }

    /** Runs the sandbox's trial command line, adding {@code --runtime} (the host's copy) unless given. */
    static int trial(ChrysalisCli cli, List<String> head, List<String> words) {
        List<String> args = new ArrayList<>(head);
        args.addAll(words);
        if (!words.contains("--runtime") && !words.isEmpty()) {
            args.add("--runtime");
            args.add(SandboxRuntime.require(cli.bundlesDir()).toString());
        }
        cli.out.flush();
        return TrialCli.run(cli.rawOut, cli.rawErr, args.toArray(String[]::new));
    }

    /**
     * Takes {@code --data-dir DIR} (or {@code --data-dir=DIR}) out of words meant for another module's command line;
     * returns the data directory to use: that one, else the host's.
     */
    static Path takeDataDir(ChrysalisCli cli, List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--data-dir")) {
                if (i + 1 >= words.size()) {
                    throw new CliException("--data-dir needs a value");
                }
                String value = words.get(i + 1);
                words.subList(i, i + 2).clear();
                return Path.of(value).toAbsolutePath().normalize();
            }
            if (w.startsWith("--data-dir=")) {
                words.remove(i);
                return Path.of(w.substring("--data-dir=".length())).toAbsolutePath().normalize();
            }
        }
        return cli.dataDir();
    }

    static int governance(ChrysalisCli cli, String group, List<String> words, boolean withDataDir) {
        List<String> rest = new ArrayList<>(words);
        Path dataDir = takeDataDir(cli, rest);
        List<String> args = new ArrayList<>();
        args.add(group);
        args.addAll(rest);
        if (withDataDir && !rest.isEmpty() && !rest.getFirst().startsWith("-")) {
            args.add("--data-dir");
            args.add(dataDir.toString());
        }
        cli.out.flush();
        return GovernanceCli.run(cli.rawOut, cli.rawErr, args.toArray(String[]::new));
    }

    /** A command whose words go unparsed to another module's command line (picocli reads the inherited fields). */
    abstract static class PassThrough implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "ARGS")
        List<String> args = new ArrayList<>();

        @Override
        public final Integer call() {
            return !answersHelp() && helpAsked(spec, args, cli.out) ? 0 : run();
        }

        abstract int run();

        /** Whether the command line the words go to prints its own usage for --help. */
        boolean answersHelp() {
            return false;
        }
    }

    /**
     * Whether the words of a pass-through command are only -h or --help, which its own command line does not take: then
     * the command's usage is printed here.
     */
    static boolean helpAsked(CommandSpec spec, List<String> args, java.io.PrintWriter out) {
        if (args.size() == 1 && (args.getFirst().equals("--help") || args.getFirst().equals("-h"))) {
            spec.commandLine().usage(out);
            return true;
        }
        return false;
    }

    @Command(name = "trial", description = "Replay cases against a bundle in sandboxed workers: trial --bundle X.jar --cases F.jsonl"
            + " [--skill NAME] [--runs K] [--timeout-ms N] [--cpu-ms N] [--runtime DIR]. Exit 0 pass, 1 not, 2 bad input.")
    static final class Trial extends PassThrough {
        @Override
        int run() {
            return trial(cli, List.of("trial"), args);
        }
    }

    @Command(name = "policy", description = "Governance policy: policy check CANDIDATE.jar [--baseline OLD.jar] [--policy FILE]"
            + " | policy scan JAR... | policy show. Exit 0 auto, 2 needs a human, 3 refused.")
    static final class PolicyCommand extends PassThrough {
        @Override
        int run() {
            return governance(cli, "policy", args, false);
        }
    }

    @Command(name = "audit", description = "The audit log: audit verify (exit 0 intact, 2 broken) | audit log [--limit N].")
    static final class Audit extends PassThrough {
        @Override
        int run() {
            return governance(cli, "audit", args, true);
        }
    }

    @Command(name = "user", description = "Governance accounts: user add NAME --role approver[,admin] --password-file FILE"
            + " | user token NAME [--label L] | user list.")
    static final class User extends PassThrough {
        @Override
        int run() {
            return governance(cli, "user", args, true);
        }
    }

    @Command(name = "directory", description = "The plugin directory: search, show, verify, install, upgrade, remove, installed,"
            + " publish, serve, keygen, trust, ... ('directory help'). Its --home defaults to the data directory.")
    static final class DirectoryCommand extends PassThrough {
        @Override
        boolean answersHelp() {
            return true;
        }

        @Override
        int run() {
            return directory(cli, args);
        }
    }

    /**
     * Runs the directory's command line with {@code --home} set to the host's data directory unless given;
     * install, upgrade and remove feed the plugin runtime ({@link DirectoryInstalls}).
     */
    static int directory(ChrysalisCli cli, List<String> words) {
        List<String> rest = new ArrayList<>(words);
        Path dataDir = takeDataDir(cli, rest);
        cli.out.flush();
        return DirectoryInstalls.run(rest, dataDir, Optional.empty(), ShellCommands.sandboxTrial(cli.bundlesDir()),
                cli.rawOut, cli.rawErr);
    }

    @Command(name = "replay", description = "Trial the live jar of each skill an evidence item called against that item's"
            + " recorded calls (its exported replay cases). PASS: the live jar still behaves as recorded (the failure"
            + " reproduces); FAIL: it behaves differently now.")
    static final class Replay implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli.Evidence evidence;

        @Parameters(paramLabel = "ID", description = "an evidence (turn) id, as listed: 12 or #12")
        String id;

        @Option(names = "--runs", paramLabel = "K", description = "runs per case (default: the sandbox's)")
        Integer runs;

        @Override
        public Integer call() throws IOException {
            ChrysalisCli cli = evidence.cli;
            long turnId = ChrysalisCli.parseId(id);
            TurnRecord turn;
            try (EvidenceStore store = cli.openEvidence()) {
                turn = store.turn(turnId).orElseThrow(
                        () -> new CliException("no evidence or turn with id " + turnId + " (see 'chrysalis evidence list')"));
            }
            Map<String, List<ReplayCase>> bySkill = new LinkedHashMap<>();
            for (ReplayCase c : EvidenceExport.replayCases(turn)) {
                bySkill.computeIfAbsent(c.skill(), k -> new ArrayList<>()).add(c);
            }
            if (bySkill.isEmpty()) {
                throw new CliException("evidence #" + turnId + " recorded no tool calls; there is nothing to replay");
            }
            Path runtime = SandboxRuntime.require(cli.bundlesDir());
            Map<String, PluginInfo> live = new LinkedHashMap<>();
            try (HostControl host = cli.openHost()) {
                for (String skill : bySkill.keySet()) {
                    Optional<PluginInfo> plugin = host.plugins().plugin(skill);
                    live.put(skill, plugin.orElseThrow(() -> new CliException("evidence #" + turnId + " called skill '" + skill
                            + "', which no live plugin serves now")));
                }
            }
            Path work = Files.createTempDirectory("chrysalis-replay-");
            try {
                int status = 0;
                for (var e : bySkill.entrySet()) {
                    PluginInfo plugin = live.get(e.getKey());
                    Path cases = work.resolve(e.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
                    StringBuilder lines = new StringBuilder();
                    e.getValue().forEach(c -> lines.append(ReplayCases.toJsonLine(c)).append('\n'));
                    Files.writeString(cases, lines, StandardCharsets.UTF_8);
                    cli.out.println("evidence #" + turnId + ": " + e.getValue().size() + " recorded call(s) of " + e.getKey()
                            + " against live " + plugin.symbolicName() + " " + plugin.version() + " sha256:" + plugin.digest());
                    List<String> args = new ArrayList<>(List.of("--bundle", plugin.liveJar().toString(), "--cases",
                            cases.toString(), "--skill", e.getKey(), "--runtime", runtime.toString()));
                    if (runs != null) {
                        args.addAll(List.of("--runs", String.valueOf(runs)));
                    }
                    int s = trial(cli, List.of("trial"), args);
                    status = Math.max(status, s);
                }
                cli.out.println(status == 0 ? "the live version still behaves as recorded (for a failed turn: the failure reproduces)"
                        : status == 1 ? "the live version no longer behaves as recorded" : "the replay could not run");
                return status;
            } finally {
                try (var files = Files.walk(work)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Command(name = "serve", description = "Serve the governance web UI (/governance/) and the plugin directory page (/directory)"
            + " over HTTP; prints the URL; Ctrl-C stops.")
    static final class Serve implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Option(names = "--port", paramLabel = "N", defaultValue = "7070", description = "port (0: any free one; default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--host", paramLabel = "H", defaultValue = "localhost", description = "address to bind (default ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--index", paramLabel = "URL|PATH", description = "directory index for /directory (default: <data dir>/directory)")
        String index;

        @Option(names = "--policy", paramLabel = "FILE", description = "governance policy file (default: the built-in policy)")
        Path policyFile;

        @Option(names = "--model", paramLabel = "M.gguf",
                description = "also serve the OpenAI-compatible /v1/chat/completions and /v1/models on this model")
        Path model;

        @Option(names = "--probation", paramLabel = "SECONDS", defaultValue = "600",
                description = "how long an approved candidate stays in probation after its swap (default ${DEFAULT-VALUE})")
        long probationSeconds;

        @Override
        public Integer call() throws InterruptedException {
            if (port < 0 || port > 65535) {
                throw new CliException("--port must be 0..65535, got " + port);
            }
            if (probationSeconds < 0) {
                throw new CliException("--probation must not be negative, got " + probationSeconds);
            }
            if (policyFile != null && !Files.isRegularFile(policyFile)) {
                throw new CliException("policy file " + policyFile + " does not exist");
            }
            Policy policy = policyFile == null ? PolicyReader.defaults() : PolicyReader.read(policyFile);
            Path dataDir = cli.dataDir();
            String directoryIndex = index != null ? index : dataDir.resolve("directory").toString();
            Optional<LlmBrain> brain = ChrysalisCli.loadBrain(cli, model);
            HostControl control;
            try {
                control = cli.openHost(brain.map(Brain.class::cast));
            } catch (RuntimeException e) {
                brain.ifPresent(LlmBrain::close);
                throw e;
            }
            Governance governance;
            HostServer server;
            try {
                governance = Governance.open(dataDir, policy, Clock.systemUTC());
                try {
                    server = HostServer.start(control, governance, new InetSocketAddress(host, port), directoryIndex,
                            HostServer.planWithoutTraffic(Duration.ofSeconds(probationSeconds)), Clock.systemUTC());
                } catch (RuntimeException e) {
                    governance.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                control.close();
                brain.ifPresent(LlmBrain::close);
                throw e;
            }
            McpServer mcp = McpServers.over(control.plugins(), dataDir.resolve("workspace"), SkillLimits.DEFAULT,
                    Clock.systemUTC(), System.nanoTime());
            server.mount(http -> {
                McpServers.mountHttp(http, mcp);
                brain.ifPresent(b -> OpenAiHandlers.mount(http, b.model(), Clock.systemUTC()));
            });
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                governance.close();
                control.close();
                brain.ifPresent(LlmBrain::close);
                stopped.countDown();
            }, "chrysalis-serve-shutdown"));
            for (RecoveryOutcome r : server.recovered()) {
                cli.out.println("recovered promotion " + r.promotion() + ": " + r.finalState() + " (" + r.explanation() + ")");
            }
            if (!governance.accounts().hasUsers()) {
                cli.out.println("no governance user yet: add one with './chrysalis user add NAME --role approver,admin"
                        + " --password-file FILE'");
            }
            cli.out.println("serving governance at " + server.uri().resolve("governance/") + " and the plugin directory at "
                    + server.uri().resolve("directory") + " (Ctrl-C stops)");
            cli.out.println("MCP tools (the live skills) at " + server.uri().resolve("mcp")
                    + brain.map(b -> "; OpenAI-compatible API at " + server.uri().resolve("v1/chat/completions")).orElse(""));
            cli.out.flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "mcp", description = "Serve the installed skills as MCP tools over stdio (JSON-RPC, one message per line)"
            + " until the input ends; logs go to stderr.")
    static final class Mcp implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Override
        public Integer call() throws IOException {
            try (HostControl control = cli.openHost()) {
                McpServer mcp = McpServers.over(control.plugins(), cli.dataDir().resolve("workspace"), SkillLimits.DEFAULT,
                        Clock.systemUTC(), System.nanoTime());
                McpServers.stdio(mcp, System.in, cli.rawOut);
            }
            return 0;
        }
    }
}
