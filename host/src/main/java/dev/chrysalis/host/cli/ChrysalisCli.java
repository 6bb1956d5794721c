package dev.chrysalis.host.cli;

import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.bench.SwapBenchmark;
import dev.chrysalis.host.llm.LlmBrain;
import dev.chrysalis.host.llm.ModelConfig;
import dev.chrysalis.host.llm.ModelConfigException;
import dev.chrysalis.host.llm.ModelLoadException;
import dev.chrysalis.spi.brain.Brain;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.host.evidence.EvidenceStoreException;
import dev.chrysalis.host.evidence.TurnRecord;
import dev.chrysalis.host.runtime.PluginOperationException;
import dev.chrysalis.host.runtime.RuntimeConfig;
import dev.chrysalis.host.shell.AgentShell;
import dev.chrysalis.host.shell.Answer;
import dev.chrysalis.host.shell.HostControl;
import dev.chrysalis.host.shell.Printing;
import dev.chrysalis.host.shell.SkillSummary;
import dev.chrysalis.inference.cli.InferenceCli;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code chrysalis} command line. Exit status: 0 done, 1 the operation failed (unknown skill, refused
 * swap, unknown evidence id, ...), 2 the command line itself is wrong. Every failure is one line on
 * standard error, never a stack trace.
 */
@Command(name = "chrysalis", mixinStandardHelpOptions = true, version = "chrysalis 0.1.0",
        description = "A self-evolving agent platform for the JVM.",
        subcommands = {ChrysalisCli.Shell.class, ChrysalisCli.Ask.class, ChrysalisCli.Skills.class,
                ChrysalisCli.Swap.class, ChrysalisCli.Rollback.class, ChrysalisCli.Evidence.class,
                ChrysalisCli.History.class, ChrysalisCli.Bench.class, ChrysalisCli.Generate.class, ChrysalisCli.Gpu.class,
                WiredCommands.Trial.class, WiredCommands.PolicyCommand.class, WiredCommands.Audit.class, WiredCommands.User.class,
                WiredCommands.DirectoryCommand.class, WiredCommands.Serve.class, WiredCommands.Mcp.class,
                EvolutionCommands.EvolveCommand.class, EvolutionCommands.Candidates.class, EvolutionCommands.Demo.class})
public final class ChrysalisCli implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "where Chrysalis keeps its data (default: $CHRYSALIS_HOME, else ~/.chrysalis)")
    Path dataDirOption;

    @Option(names = "--bundles", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "the base and shipped plugin bundles (default: -Dchrysalis.bundles, else host/target/bundles)")
    Path bundlesOption;

    final PrintWriter out;
    final PrintWriter err;
    final PrintStream rawOut;
    final PrintStream rawErr;

    ChrysalisCli(PrintStream out, PrintStream err) {
        this.rawOut = out;
        this.rawErr = err;
        this.out = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        this.err = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(run(args));
    }

    /** Runs one command with the process's standard streams; returns the exit status. */
    public static int run(String... args) {
        return run(System.out, System.err, args);
    }

    public static int run(PrintStream out, PrintStream err, String... args) {
        var cli = new ChrysalisCli(out, err);
        var line = new CommandLine(cli);
        // the engine's commands parse their own options, in order
        List<String> passThroughs = List.of("bench", "generate", "trial", "policy", "audit", "user", "directory");
        for (String passThrough : passThroughs) {
            line.getSubcommands().get(passThrough).setUnmatchedOptionsArePositionalParams(true).setStopAtPositional(true);
        }
        // every other command answers -h/--help with its usage (the pass-through ones: see WiredCommands.helpAsked)
        line.getSubcommands().values().stream().filter(c -> !passThroughs.contains(c.getCommandName())).forEach(ChrysalisCli::withHelp);
        line.setOut(cli.out);
        line.setErr(cli.err);
        line.setParameterExceptionHandler((e, ignored) -> {
            cli.err.println("error: " + e.getMessage());
            cli.err.println("try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        line.setExecutionExceptionHandler((e, cmd, ignored) -> {
            cli.err.println("error: " + userMessage(e));
            return 1;
        });
        try {
            return line.execute(args);
        } finally {
            cli.out.flush();
            cli.err.flush();
        }
    }

    /** Gives {@code command} and its subcommands picocli's -h/--help and -V/--version options. */
    private static void withHelp(CommandLine command) {
        command.getCommandSpec().mixinStandardHelpOptions(true);
        command.getSubcommands().values().forEach(ChrysalisCli::withHelp);
    }

    @Override
    public Integer call() {
        // no subcommand: the main job is the shell
        return new Shell(this).call();
    }

    /** The one line a failure shows: the message of a typed error, or the kind and message of anything else. */
    static String userMessage(Throwable e) {
        if (e instanceof CliException || e instanceof PluginOperationException || e instanceof EvidenceStoreException
                || e instanceof UncheckedIOException || e instanceof IllegalArgumentException
                || e instanceof dev.chrysalis.host.evolve.EvolveException
                || e instanceof dev.chrysalis.evolution.workspace.WorkspaceException) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** Library logging (Felix, H2, the runtime) goes to stderr at WARNING and above unless asked otherwise. */
    private static void quietLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
            for (var h : java.util.logging.Logger.getLogger("").getHandlers()) {
                h.setLevel(java.util.logging.Level.WARNING);
            }
        }
    }

    Path dataDir() {
        return DataDir.resolve(dataDirOption, System.getenv(), System.getProperty("user.home"));
    }

    Path bundlesDir() {
        return bundlesOption != null ? bundlesOption : RuntimeConfig.defaultBundlesDir();
    }

    HostControl openHost() {
        return openHost(Optional.empty());
    }

    /** Starts the host; with a brain (e.g. the LLM brain) instead of the default router brain. */
    HostControl openHost(Optional<Brain> brain) {
        Path dir = dataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CliException("cannot create data directory " + dir + ": " + e.getMessage());
        }
        Path bundles = bundlesDir();
        if (!Files.isDirectory(bundles)) {
            throw new CliException("bundles folder " + bundles.toAbsolutePath() + " does not exist; build first (./chrysalis builds"
                    + " what is missing) or pass --bundles DIR");
        }
        HostConfig config = HostConfig.of(dir, bundles);
        return HostControl.open(brain.map(config::withBrain).orElse(config));
    }

    EvidenceStore openEvidence() {
        return EvidenceStore.open(dataDir());
    }

    // ------------------------------------------------------------------------------------------ commands

    /**
     * Loads the LLM brain for {@code --model M.gguf} (settings from the data dir's model.properties), or none:
     * without a model the default router brain answers.
     */
    static Optional<LlmBrain> loadBrain(ChrysalisCli cli, Path model) {
        if (model == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(LlmBrain.load(ModelConfig.forModelFile(model, cli.dataDir())));
        } catch (ModelConfigException | ModelLoadException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Runs {@code work} on a started host, closing the host before the brain it uses. */
    static int withHost(ChrysalisCli cli, Path model, java.util.function.Function<HostControl, Integer> work) {
        Optional<LlmBrain> brain = loadBrain(cli, model);
        try (HostControl host = cli.openHost(brain.map(Brain.class::cast))) {
            return work.apply(host);
        } finally {
            brain.ifPresent(LlmBrain::close);
        }
    }

    @Command(name = "shell", description = "Talk to the agent: line editing, history, tab completion, /help for commands.")
    static final class Shell implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Option(names = "--model", paramLabel = "M.gguf",
                description = "answer with the LLM brain on this GGUF model (settings in <data-dir>/model.properties)")
        Path model;

        Shell() {
        }

        Shell(ChrysalisCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            return withHost(cli, model, host -> {
                new AgentShell(host, cli.dataDir()).run(System.in, cli.rawOut);
                return 0;
            });
        }
    }

    @Command(name = "ask", description = "Ask one question; prints the answer.")
    static final class Ask implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Parameters(arity = "1..*", paramLabel = "MESSAGE", description = "the question (words are joined by spaces)")
        List<String> words;

        @Option(names = "--model", paramLabel = "M.gguf", description = "answer with the LLM brain on this GGUF model")
        Path model;

        @Override
        public Integer call() {
            String message = String.join(" ", words).strip();
            if (message.isEmpty()) {
                throw new CliException("the message is empty");
            }
            return withHost(cli, model, host -> {
                Answer answer = host.ask(message);
                cli.out.println(answer.text());
                // scripts must see a failed turn: the answer is printed, the failures named, the exit status 1
                answer.failures().forEach(f -> cli.err.println("turn " + answer.turnId() + " failed: " + f));
                return answer.failed() ? 1 : 0;
            });
        }
    }

    @Command(name = "skills", description = "The installed skills.", subcommands = {Skills.ListSkills.class, Skills.Show.class})
    static final class Skills implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Override
        public Integer call() {
            return list(cli);
        }

        static int list(ChrysalisCli cli) {
            try (HostControl host = cli.openHost()) {
                Printing.skills(cli.out, host.skills());
            }
            return 0;
        }

        @Command(name = "list", description = "List the installed skills with the bundle serving each.")
        static final class ListSkills implements Callable<Integer> {
            @ParentCommand
            Skills skills;

            @Override
            public Integer call() {
                return list(skills.cli);
            }
        }

        @Command(name = "show", description = "Show a skill's SKILL.md.")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Skills skills;

            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            public Integer call() {
                ChrysalisCli cli = skills.cli;
                try (HostControl host = cli.openHost()) {
                    String doc = host.skillDocument(name).orElseThrow(() -> new CliException("no skill named '" + name
                            + "'; installed skills: " + String.join(", ", host.skills().stream().map(SkillSummary::name).toList())));
                    cli.out.println(doc.stripTrailing());
                }
                return 0;
            }
        }
    }

    @Command(name = "swap", description = "Hot-swap a plugin (skill name or bundle name) to the bundle in JAR.")
    static final class Swap implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "JAR")
        Path jar;

        @Override
        public Integer call() throws PluginOperationException {
            if (!Files.isRegularFile(jar)) {
                throw new CliException("swap refused: jar " + jar + (Files.exists(jar) ? " is not a file" : " does not exist"));
            }
            try (HostControl host = cli.openHost()) {
                cli.out.println(Printing.swap(host.swap(name, jar)));
            } catch (PluginOperationException e) {
                throw new CliException("swap refused: " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "rollback", description = "Return a plugin to the bundle that was live before its last swap.")
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (HostControl host = cli.openHost()) {
                cli.out.println(Printing.swap(host.rollback(name)));
            } catch (PluginOperationException e) {
                throw new CliException("rollback refused: " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "evidence", description = "Failed and flagged turns.",
            subcommands = {Evidence.ListEvidence.class, Evidence.Show.class, Evidence.Export.class, WiredCommands.Replay.class})
    static final class Evidence implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "say which: evidence list | evidence show ID | evidence export [--out FILE] | evidence replay ID");
        }

        @Command(name = "list", description = "Evidence, most recently failed first.")
        static final class ListEvidence implements Callable<Integer> {
            @ParentCommand
            Evidence evidence;

            @Option(names = "--limit", defaultValue = "20", description = "how many (default ${DEFAULT-VALUE})")
            int limit;

            @Override
            public Integer call() {
                if (limit < 1) {
                    throw new CliException("--limit must be at least 1, got " + limit);
                }
                try (EvidenceStore store = evidence.cli.openEvidence()) {
                    Printing.evidence(evidence.cli.out, store.evidence(limit));
                }
                return 0;
            }
        }

        @Command(name = "show", description = "Everything recorded about one turn: tool I/O, bundle digests, failures.")
        static final class Show implements Callable<Integer> {
            @ParentCommand
            Evidence evidence;

            @Parameters(paramLabel = "ID", description = "an evidence (turn) id, as listed: 12 or #12")
            String id;

            @Override
            public Integer call() {
                long turnId = parseId(id);
                try (EvidenceStore store = evidence.cli.openEvidence()) {
                    TurnRecord turn = store.turn(turnId).orElseThrow(
                            () -> new CliException("no evidence or turn with id " + turnId + " (see 'chrysalis evidence list')"));
                    Printing.turn(evidence.cli.out, turn);
                }
                return 0;
            }
        }

        @Command(name = "export", description = "Write every evidence item as a JSON line (tool I/O as replay cases).")
        static final class Export implements Callable<Integer> {
            @ParentCommand
            Evidence evidence;

            @Option(names = "--out", paramLabel = "FILE", description = "write here instead of standard output")
            Path file;

            @Override
            public Integer call() {
                ChrysalisCli cli = evidence.cli;
                try (EvidenceStore store = cli.openEvidence()) {
                    if (file == null) {
                        store.exportEvidence(cli.out);
                        return 0;
                    }
                    Path parent = file.toAbsolutePath().getParent();
                    if (parent != null && !Files.isDirectory(parent)) {
                        throw new CliException("cannot write " + file + ": folder " + parent + " does not exist");
                    }
                    int n;
                    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                        n = store.exportEvidence(w);
                    } catch (IOException e) {
                        throw new CliException("cannot write " + file + ": " + e.getMessage());
                    }
                    cli.out.println("exported " + n + " evidence item" + (n == 1 ? "" : "s") + " to " + file);
                }
                return 0;
            }
        }
    }

    static long parseId(String text) {
        String digits = text.strip().startsWith("#") ? text.strip().substring(1) : text.strip();
        try {
            long id = Long.parseLong(digits);
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new CliException("'" + text + "' is not an evidence id (a positive number, as 'chrysalis evidence list' shows)");
        }
    }

    @Command(name = "history", description = "Recent turns (all sessions, or one).")
    static final class History implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Option(names = "--limit", defaultValue = "20", description = "how many turns (default ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--session", paramLabel = "ID", description = "only this session's turns")
        String session;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new CliException("--limit must be at least 1, got " + limit);
            }
            try (EvidenceStore store = cli.openEvidence()) {
                List<TurnRecord> turns = session == null ? store.recentTurns(limit) : store.recentTurns(session, limit);
                Printing.history(cli.out, turns);
            }
            return 0;
        }
    }

    @Command(name = "bench", description = "Benchmarks: 'bench swap' (hot swap under load), 'bench inference ...' (the LLM engine),"
            + " 'bench gpu-bandwidth' (GPU device-to-device copy bandwidth),"
            + " 'bench trial --bundle X.jar --cases F.jsonl' (sandbox trial timings), 'bench evolution [--runs N] [--bug NAME]'"
            + " (evidence -> verdict time, seeded-bug repair rate).")
    static final class Bench implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "ARGS", description = "swap [options] | inference [options] | gpu-bandwidth [options] | trial [options] | evolution [options]")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            if (WiredCommands.helpAsked(spec, args, cli.out)) {
                return 0;
            }
            String which = args.getFirst();
            String[] rest = args.subList(1, args.size()).toArray(String[]::new);
            cli.out.flush();
            return switch (which) {
                case "swap" -> SwapBenchmark.run(cli.rawOut, cli.bundlesOption == null || args.contains("--bundles")
                        ? rest : prepend(List.of("--bundles", cli.bundlesOption.toString()), rest));
                case "inference", "gpu-bandwidth" -> InferenceCli.run(cli.rawOut, cli.rawErr, prepend(List.of("bench", which), rest));
                case "trial" -> WiredCommands.trial(cli, List.of("bench", "trial"), List.of(rest));
                case "evolution" -> EvolutionCommands.bench(cli, List.of(rest));
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown benchmark '" + which + "': use 'bench swap', 'bench inference', 'bench gpu-bandwidth', 'bench trial' or 'bench evolution'");
            };
        }
    }

    @Command(name = "generate", description = "Generate text with a GGUF model on the built-in engine (generate --help).")
    static final class Generate implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Parameters(arity = "0..*", paramLabel = "ARGS")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            cli.out.flush();
            return InferenceCli.run(cli.rawOut, cli.rawErr, prepend(List.of("generate"), args.toArray(String[]::new)));
        }
    }

    @Command(name = "gpu", description = "The CUDA GPUs the engine can use; without one, the reason and exit status 1.")
    static final class Gpu implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Override
        public Integer call() {
            cli.out.flush();
            return InferenceCli.run(cli.rawOut, cli.rawErr, "gpu");
        }
    }

    static String[] prepend(List<String> head, String[] tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
