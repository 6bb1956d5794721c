package dev.chrysalis.host.shell;

import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.builtins.Completers;

/**
 * Tab completion: command names for the first word of a line starting with {@code /}; skill names after
 * {@code /skill}; skill and plugin names after {@code /swap}, {@code /rollback} and {@code /evolve}; file names for the jar
 * of {@code /swap}.
 * Plain questions get no completion.
 */
final class ShellCompleter implements Completer {
    private final Supplier<List<String>> skillNames;
    private final Supplier<List<String>> pluginNames;
    private final Completer files = new Completers.FileNameCompleter();

    /** @param pluginNames names {@code /swap} and {@code /rollback} also accept (e.g. {@code router-default}) */
    ShellCompleter(Supplier<List<String>> skillNames, Supplier<List<String>> pluginNames) {
        this.skillNames = skillNames;
        this.pluginNames = pluginNames;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        if (words.isEmpty() || !words.getFirst().startsWith("/")) {
            return;
        }
        int index = line.wordIndex();
        if (index == 0) {
            for (ShellCommands.Command c : ShellCommands.COMMANDS) {
                candidates.add(new Candidate(c.name(), c.name(), null, c.description(), null, null, true));
            }
            return;
        }
        String command = words.getFirst();
        boolean takesPlugin = command.equals("/swap") || command.equals("/rollback") || command.equals("/evolve");
        if (index == 1 && (takesPlugin || command.equals("/skill"))) {
            var names = new java.util.TreeSet<>(skillNames.get());
            if (takesPlugin) {
                names.addAll(pluginNames.get());
            }
            for (String name : names) {
                candidates.add(new Candidate(name, name, null, null, null, null, true));
            }
        } else if (index == 2 && command.equals("/swap")) {
            files.complete(reader, line, candidates);
        }
    }
}
