package dev.chrysalis.host.shell;

import dev.chrysalis.host.evidence.EvidenceStoreException;
import dev.chrysalis.host.evidence.Failure;
import dev.chrysalis.host.evidence.UnknownTurnException;
import dev.chrysalis.host.runtime.PluginOperationException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What the shell does with one line: plain text is a message for the agent, a line starting with {@code /}
 * is a command. Every outcome, including a mistake, is printed as text; nothing here ends the shell except
 * {@code /quit}.
 */
public final class ShellCommands {

    /** A shell command: its name (with the slash), its arguments as shown in help, and what it does. */
    public record Command(String name, String arguments, String description) {
    }

    public static final List<Command> COMMANDS = List.of(
            new Command("/skills", "", "list the installed skills"),
            new Command("/skill", "NAME", "show a skill's SKILL.md"),
            new Command("/bad", "[#ID] WHY", "flag the last answer (or turn #ID from /history) as wrong: it becomes evidence"),
            new Command("/evidence", "", "list recent evidence (failed and flagged turns)"),
            new Command("/swap", "NAME JAR", "hot-swap a plugin to the bundle in JAR"),
            new Command("/rollback", "NAME", "return a plugin to its previous bundle"),
            new Command("/history", "", "show the turns of this session"),
            new Command("/market", "QUERY | install ID", "search the plugin directory; install a bundle from it"),
            new Command("/evolve", "NAME", "repair a plugin from its evidence: candidates, sandbox trial, then governance approval"),
            new Command("/help", "", "show this list"),
            new Command("/quit", "", "leave the shell (also Ctrl-D)"));

    /** {@code /bad #ID WHY}: the turn number, then the reason. */
    private static final Pattern TURN_NUMBER = Pattern.compile("#(\\S+)\\s*(.*)", Pattern.DOTALL);

    /** Whether the shell should read another line. */
    public enum Next { CONTINUE, QUIT }

    private final HostControl host;
    private final PrintWriter out;
    private OptionalLong lastTurn = OptionalLong.empty();

    public ShellCommands(HostControl host, PrintWriter out) {
        this.host = host;
        this.out = out;
    }

    public Next execute(String line) {
        String text = line.strip();
        try {
            if (text.isEmpty()) {
                return Next.CONTINUE;
            }
            if (!text.startsWith("/")) {
                ask(text);
                return Next.CONTINUE;
            }
            String[] parts = text.split("\\s+", 2);
            String name = parts[0];
            String rest = parts.length > 1 ? parts[1].strip() : "";
            switch (name) {
                case "/skills" -> Printing.skills(out, host.skills());
                case "/skill" -> skill(rest);
                case "/bad" -> bad(rest);
                case "/evidence" -> Printing.evidence(out, host.evidence().evidence(20));
                case "/swap" -> swap(rest);
                case "/rollback" -> rollback(rest);
                case "/history" -> Printing.history(out, host.evidence().recentTurns(host.sessionId(), 20));
                case "/market" -> market(rest);
                case "/evolve" -> evolve(rest);
                case "/help", "/?" -> help();
                case "/quit", "/exit" -> {
                    return Next.QUIT;
                }
                default -> unknown(name);
            }
        } catch (EvidenceStoreException | dev.chrysalis.host.evolve.EvolveException e) {
            out.println("error: " + e.getMessage());
        } catch (RuntimeException e) {
            // the shell must outlive any failure of one command; the full trace goes to the log
            System.getLogger(ShellCommands.class.getName()).log(System.Logger.Level.WARNING, "shell line failed: " + text, e);
            out.println("error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } finally {
            out.flush();
        }
        return Next.CONTINUE;
    }

    private void ask(String message) {
        // if this turn fails to be stored, /bad must not flag the turn before it
        lastTurn = OptionalLong.empty();
        var streamed = new StringBuilder();
        Answer answer = host.ask(message, part -> {
            streamed.append(part);
            out.print(part);
            out.flush();
        });
        lastTurn = OptionalLong.of(answer.turnId());
        // a streaming brain has shown the answer already (as produced, before the after-turn hooks)
        out.println(streamed.isEmpty() ? answer.text() : "");
    }

    private void skill(String name) {
        if (name.isEmpty()) {
            out.println("usage: /skill NAME   (skills: " + skillNames() + ")");
            return;
        }
        Optional<String> doc = host.skillDocument(name);
        if (doc.isEmpty()) {
            out.println("no skill named '" + name + "'; installed skills: " + skillNames());
            return;
        }
        out.println(doc.get().stripTrailing());
    }

    private void bad(String args) {
        OptionalLong turn = lastTurn;
        String why = args;
        var numbered = TURN_NUMBER.matcher(args);
        if (numbered.matches()) {
            try {
                turn = OptionalLong.of(Long.parseLong(numbered.group(1)));
            } catch (NumberFormatException e) {
                out.println("'#" + numbered.group(1) + "' is not a turn number: use /bad #ID WHY with an id from /history");
                return;
            }
            why = numbered.group(2).strip();
        } else if (turn.isEmpty()) {
            out.println("nothing to flag yet: ask something first, then /bad WHY if the answer is wrong");
            return;
        }
        if (why.isEmpty()) {
            out.println("usage: /bad [#ID] WHY   (say what was wrong, e.g. /bad 2+3*4 is 14, not 20)");
            return;
        }
        Failure flag;
        try {
            flag = host.evidence().flag(turn.getAsLong(), why);
        } catch (UnknownTurnException e) {
            out.println("no turn #" + turn.getAsLong() + ": /history lists the turns with their numbers");
            return;
        }
        out.println("flagged turn #" + flag.turnId() + " as evidence #" + flag.turnId()
                + flag.plugin().map(p -> " (blames " + p + ")").orElse(""));
    }

    private void swap(String args) {
        String[] parts = args.isEmpty() ? new String[0] : args.split("\\s+", 2);
        if (parts.length < 2) {
            out.println("usage: /swap NAME JAR   (e.g. /swap calculator ./calculator-1.0.1.jar)");
            return;
        }
        Path jar;
        try {
            jar = Path.of(expandHome(parts[1].strip()));
        } catch (InvalidPathException e) {
            out.println("swap refused: '" + parts[1] + "' is not a valid path: " + e.getReason());
            return;
        }
        try {
            out.println(Printing.swap(host.swap(parts[0], jar)));
        } catch (PluginOperationException e) {
            out.println("swap refused: " + e.getMessage());
        }
    }

    private void rollback(String name) {
        if (name.isEmpty() || name.contains(" ")) {
            out.println("usage: /rollback NAME");
            return;
        }
        try {
            out.println(Printing.swap(host.rollback(name)));
        } catch (PluginOperationException e) {
            out.println("rollback refused: " + e.getMessage());
        }
    }

    /**
     * {@code /market QUERY} searches the directory index ({@code <data dir>/directory} unless the directory's own
     * options say otherwise); {@code /market install ID}, {@code upgrade}, {@code remove}, {@code show},
     * {@code installed} run that directory command; an install of a plugin that is live here is a hot swap, one
     * of a new plugin starts with the host's next start ({@link RuntimePluginInstaller}).
     */
    private void market(String args) {
        List<String> words = args.isEmpty() ? List.of() : List.of(args.split("\\s+"));
        List<String> argv = new java.util.ArrayList<>();
        if (words.isEmpty()) {
            argv.add("search");
        } else if (MARKET_COMMANDS.contains(words.getFirst())) {
            argv.addAll(words);
        } else {
            argv.add("search");
            argv.addAll(words);
        }
        var buffer = new java.io.ByteArrayOutputStream();
        int status;
        try (var stream = new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8)) {
            status = DirectoryInstalls.run(argv, host.host().config().dataDir(), Optional.of(host.plugins()),
                    sandboxTrial(host.host().config().bundlesDir()), stream, stream);
        }
        String text = buffer.toString(java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
        if (status == 2 && argv.getFirst().equals("search")) {
            out.println("usage: /market QUERY | /market install ID | /market show ID | /market installed");
        }
        if (!text.isEmpty()) {
            out.println(text);
        }
    }

    /** {@code /evolve NAME}: the {@code evolve NAME} command inline, its live view printed as the loop goes. */
    private void evolve(String name) {
        if (name.isEmpty() || name.contains(" ")) {
            out.println("usage: /evolve NAME   (a plugin with evidence, e.g. calculator; /evidence lists the evidence)");
            return;
        }
        var config = host.host().config();
        var setup = dev.chrysalis.host.evolve.EvolutionSetup.resolve(config.dataDir(), config.bundlesDir(), Optional.empty());
        dev.chrysalis.host.evolve.Evolve.run(host, setup, dev.chrysalis.host.evolve.Evolve.Options.defaults().forPlugin(name), out,
                java.time.Clock.systemUTC());
    }

    private static final java.util.Set<String> MARKET_COMMANDS = java.util.Set.of("install", "upgrade", "remove", "show",
            "installed", "verify", "search");

    private void help() {
        out.println("Type a question for the agent, or a command:");
        int width = COMMANDS.stream().mapToInt(c -> (c.name() + " " + c.arguments()).length()).max().orElse(0);
        for (Command c : COMMANDS) {
            String head = (c.name() + " " + c.arguments()).strip();
            out.println("  " + head + " ".repeat(width - head.length() + 2) + c.description());
        }
    }

    private void unknown(String name) {
        String closest = COMMANDS.stream()
                .min(Comparator.comparingInt(c -> editDistance(c.name(), name)))
                .map(Command::name).orElseThrow();
        out.println("unknown command '" + name + "'" + (editDistance(closest, name) <= 3 ? "; did you mean " + closest + "?" : "")
                + " Type /help for the list.");
    }

    private String skillNames() {
        List<String> names = host.skills().stream().map(SkillSummary::name).toList();
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String expandHome(String path) {
        return path.equals("~") || path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The sandbox trial for untrusted directory installs, when the workers' runtime is beside the bundles. */
    public static Optional<dev.chrysalis.directory.BundleTrial> sandboxTrial(Path bundlesDir) {
        Path runtime = dev.chrysalis.host.cli.SandboxRuntime.forBundles(bundlesDir);
        return java.nio.file.Files.isRegularFile(runtime.resolve("worker-classpath.txt"))
                ? Optional.of(new SandboxBundleTrial(runtime)) : Optional.empty();
    }
}
