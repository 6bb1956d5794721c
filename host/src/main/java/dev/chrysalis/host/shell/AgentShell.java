package dev.chrysalis.host.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive shell ({@code chrysalis shell}). On a terminal it uses JLine: line editing, a history file
 * under the data directory, tab completion of commands and skill names; Ctrl-C clears the line, Ctrl-D
 * quits. When standard input is not a terminal (piped or redirected), it reads plain lines and prints only
 * the answers, so scripts can drive it.
 */
public final class AgentShell {
    public static final String HISTORY_FILE = "shell_history";
    static final String PROMPT = "you> ";

    private final HostControl host;
    private final Path dataDir;

    public AgentShell(HostControl host, Path dataDir) {
        this.host = host;
        this.dataDir = dataDir;
    }

    /** Runs until {@code /quit} or end of input, on the process's terminal when it has one. */
    public void run(InputStream in, PrintStream out) {
        if (interactive()) {
            try (Terminal terminal = TerminalBuilder.builder().name("chrysalis").system(true).dumb(true)
                    .encoding(StandardCharsets.UTF_8).build()) {
                runOn(terminal);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the terminal: " + e.getMessage(), e);
            }
        } else {
            runPlain(in, out);
        }
    }

    /** Whether standard input and output are a terminal (so line editing makes sense). */
    static boolean interactive() {
        var console = System.console();
        return console != null && console.isTerminal();
    }

    /** The JLine loop on {@code terminal} (a real one, or a dumb one). */
    public void runOn(Terminal terminal) {
        var parser = new DefaultParser();
        // people type apostrophes and quotes in questions ("what's 2+2"): never wait for a closing quote
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("chrysalis")
                .parser(parser)
                .completer(new ShellCompleter(this::skillNames, host::pluginNames))
                .variable(LineReader.HISTORY_FILE, dataDir.resolve(HISTORY_FILE))
                .variable(LineReader.HISTORY_SIZE, 1000)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .build();
        PrintWriter out = terminal.writer();
        var commands = new ShellCommands(host, out);
        greet(out);
        while (true) {
            String line;
            try {
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException e) {
                continue; // Ctrl-C: drop the line, keep the shell
            } catch (EndOfFileException e) {
                break; // Ctrl-D
            }
            if (commands.execute(line) == ShellCommands.Next.QUIT) {
                break;
            }
        }
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            out.println("warning: shell history not saved: " + e.getMessage());
        }
        out.println("bye");
        out.flush();
    }

    /** Reads plain lines (no terminal): each message's answer or command's output is printed. */
    public void runPlain(InputStream in, PrintStream stdout) {
        var out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        var commands = new ShellCommands(host, out);
        try (var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (commands.execute(line) == ShellCommands.Next.QUIT) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shell input: " + e.getMessage(), e);
        }
        out.flush();
    }

    private void greet(PrintWriter out) {
        List<String> names = skillNames();
        out.println("Chrysalis shell: " + (names.isEmpty() ? "no skills installed" : names.size() + " skills ("
                + String.join(", ", names) + ")") + ", session " + host.sessionId());
        out.println("Ask a question, or type /help. Tab completes commands and skill names; Ctrl-D quits.");
        out.flush();
    }

    private List<String> skillNames() {
        return host.skills().stream().map(SkillSummary::name).toList();
    }
}
