package dev.chrysalis.skill.files;

import dev.chrysalis.spi.skill.SkillInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillExample;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Finds, lists and reads files inside the workspace only. See SKILL.md. */
@Component(service = Skill.class)
public final class FilesSkill implements Skill {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final List<String> OPERATIONS = List.of("find", "read", "list");
    static final int MAX_RESULTS = 1_000;
    private static final String PATH = "[\\w./-]+\\.\\w+|[\\w-]+/[\\w./-]+";

    @Override
    public String name() {
        return "files";
    }

    @Override
    public String description() {
        return "Finds files by glob (e.g. **/*.md), lists directories and reads text files (optionally a line range) "
                + "inside the workspace only.";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        ObjectNode op = p.putObject("operation").put("type", "string");
        OPERATIONS.forEach(op.putArray("enum")::add);
        p.putObject("pattern").put("type", "string").put("description", "find: a glob such as *.md, docs/*.txt or **/*.java");
        p.putObject("path").put("type", "string").put("description", "read: the file; find/list: the directory (default: the workspace)");
        p.putObject("startLine").put("type", "integer").put("description", "read: first line to show (1-based)");
        p.putObject("endLine").put("type", "integer").put("description", "read: last line to show (inclusive)");
        schema.putArray("required").add("operation");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(
                example("find files *.md", Map.of("operation", "find", "pattern", "*.md")),
                example("find files named **/*.java in src", Map.of("operation", "find", "pattern", "**/*.java", "path", "src")),
                example("read notes.txt", Map.of("operation", "read", "path", "notes.txt")),
                example("show me the file docs/plan.md", Map.of("operation", "read", "path", "docs/plan.md")),
                example("show lines 3-10 of notes.txt", Map.of("operation", "read", "path", "notes.txt", "startLine", "3", "endLine", "10")),
                example("list the files in docs", Map.of("operation", "list", "path", "docs")),
                example("list files", Map.of("operation", "list")));
    }

    private static SkillExample example(String utterance, Map<String, String> args) {
        ObjectNode node = NODES.objectNode();
        args.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (e.getValue().matches("\\d+")) {
                node.put(e.getKey(), Integer.parseInt(e.getValue()));
            } else {
                node.put(e.getKey(), e.getValue());
            }
        });
        return new SkillExample(utterance, node);
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return List.of(
                new RoutePattern("(?:read|show|cat|open|print|display|view)(?: me)?(?: the)?(?: file| contents of)? (?<path>" + PATH + ")", Map.of("operation", "read"), 2),
                new RoutePattern("(?:read|show|print|display|view)(?: me)? lines (?<startLine>\\d+)\\s*(?:-|to|through|until)\\s*(?<endLine>\\d+) (?:of|from|in) (?<path>" + PATH + ")", Map.of("operation", "read"), 2),
                new RoutePattern("(?:find|search for|locate)(?: all)?(?: the)? files?(?: named| matching| called| like)? (?<pattern>[^\\s/][^\\s]*)(?: (?:in|under) (?<path>[\\w./-]+))?", Map.of("operation", "find"), 2),
                new RoutePattern("(?:list|ls)(?: the)?(?: files| contents| directory)?(?: (?:in|of|under))?(?: (?<path>[\\w.-]+(?:/[\\w.-]+)*))?", Map.of("operation", "list"), 2));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        JsonNode in = SkillInputs.object(input);
        String raw = SkillInputs.requiredText(in, "operation");
        String op = raw.strip().toLowerCase(Locale.ROOT);
        op = switch (op) {
            case "search", "glob" -> "find";
            case "cat", "open", "show" -> "read";
            case "ls", "dir" -> "list";
            default -> op;
        };
        if (!OPERATIONS.contains(op)) {
            throw new SkillInputException("field 'operation': '" + SkillInputs.abbreviate(raw) + "' is not one of find, read, list");
        }
        Path workspace = context.workspace();
        Path workspaceReal;
        try {
            workspaceReal = workspace.toRealPath();
        } catch (IOException e) {
            throw new SkillException("the workspace cannot be read: " + e.getMessage());
        }
        return switch (op) {
            case "find" -> find(in, workspace, workspaceReal);
            case "list" -> list(in, workspace, workspaceReal);
            default -> read(context, in, workspace);
        };
    }

    private static Path directory(JsonNode in, Path workspace, Path workspaceReal) throws SkillException {
        var given = SkillInputs.optionalText(in, "path");
        if (given.isEmpty() || given.get().strip().equals(".") || given.get().isBlank()) {
            return workspaceReal;
        }
        Path real = WorkspacePaths.existing(workspace, "path", given.get(), "directory");
        if (!Files.isDirectory(real)) {
            throw new SkillInputException("field 'path': '" + SkillInputs.abbreviate(given.get().strip()) + "' is a file, not a directory");
        }
        return real;
    }

    private static SkillResult find(JsonNode in, Path workspace, Path workspaceReal) throws SkillException {
        String pattern = SkillInputs.requiredText(in, "pattern").strip();
        if (pattern.isEmpty()) {
            throw new SkillInputException("field 'pattern' is empty: give a glob such as *.md or **/*.java");
        }
        if (pattern.startsWith("/") || pattern.startsWith("\\") || pattern.matches("(?s)^[A-Za-z]:.*")) {
            throw new SkillInputException("field 'pattern': absolute patterns are not allowed ('" + SkillInputs.abbreviate(pattern)
                    + "'); patterns are relative to the workspace");
        }
        for (String segment : pattern.split("/")) {
            if (segment.equals("..")) {
                throw new SkillInputException("field 'pattern': '..' is not allowed ('" + SkillInputs.abbreviate(pattern) + "')");
            }
        }
        Path base = directory(in, workspace, workspaceReal);
        FileFinder.Result result;
        try {
            result = FileFinder.find(workspaceReal, base, pattern, MAX_RESULTS);
        } catch (IOException e) {
            throw new SkillException("cannot search the workspace: " + e.getMessage());
        }
        ObjectNode out = NODES.objectNode().put("operation", "find").put("pattern", pattern)
                .put("path", relative(workspaceReal, base)).put("count", result.files().size())
                .put("truncated", result.truncated()).put("skippedLinks", result.skippedLinks());
        ArrayNode files = out.putArray("files");
        result.files().forEach(f -> files.addObject().put("path", f.path()).put("size", f.size()));
        return new SkillResult(out, result.files().size() + (result.truncated() ? "+" : "") + " file"
                + (result.files().size() == 1 ? "" : "s") + " matching " + pattern);
    }

    private static SkillResult list(JsonNode in, Path workspace, Path workspaceReal) throws SkillException {
        Path dir = directory(in, workspace, workspaceReal);
        List<ObjectNode> entries = new ArrayList<>();
        boolean truncated = false;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (entries.size() >= MAX_RESULTS) {
                    truncated = true;
                    break;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String type = a.isSymbolicLink() ? "link" : a.isDirectory() ? "directory" : a.isRegularFile() ? "file" : "other";
                ObjectNode e = NODES.objectNode().put("name", p.getFileName().toString()).put("type", type);
                if (a.isRegularFile()) {
                    e.put("size", a.size());
                }
                entries.add(e);
            }
        } catch (IOException e) {
            throw new SkillException("cannot list '" + relative(workspaceReal, dir) + "': " + e.getMessage());
        }
        entries.sort((a, b) -> a.get("name").asText().compareTo(b.get("name").asText()));
        ObjectNode out = NODES.objectNode().put("operation", "list").put("path", relative(workspaceReal, dir))
                .put("count", entries.size()).put("truncated", truncated);
        out.putArray("entries").addAll(entries);
        return new SkillResult(out, entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies") + " in " + relative(workspaceReal, dir));
    }

    private static SkillResult read(SkillContext context, JsonNode in, Path workspace) throws SkillException {
        String given = SkillInputs.optionalText(in, "path").orElseThrow(
                () -> new SkillInputException("field 'path' is required: the file to read"));
        String shown = given.strip();
        Path real = WorkspacePaths.existingFile(workspace, "path", given);
        var startGiven = SkillInputs.optionalInt(in, "startLine");
        var endGiven = SkillInputs.optionalInt(in, "endLine");
        FileReader.Text text = FileReader.read(real, shown, context.limits().maxReadBytes());
        int total = text.lines().size();
        int start = startGiven.orElse(1);
        int end = endGiven.orElse(Math.max(total, start));
        FileReader.checkRange(start, end, shown, total, text.cutAtLimit());
        int last = Math.min(end, total);
        StringBuilder content = new StringBuilder();
        boolean truncated = text.cutAtLimit() && endGiven.map(e -> e > total).orElse(true);
        int maxChars = context.limits().maxOutputChars();
        int shownLast = start - 1;
        for (int i = start; i <= last; i++) {
            String line = text.lines().get(i - 1);
            if (content.length() + line.length() > maxChars) {
                truncated = true;
                break;
            }
            content.append(line);
            shownLast = i;
        }
        ObjectNode out = NODES.objectNode().put("operation", "read").put("path", shown).put("size", text.size())
                .put("lines", total).put("startLine", start).put("endLine", Math.max(shownLast, start - 1))
                .put("content", content.toString()).put("truncated", truncated);
        String range = shownLast >= start ? "lines " + start + "-" + shownLast : "no lines";
        return new SkillResult(out, shown + ": " + range + " of " + total + (truncated ? " (truncated)" : ""));
    }

    private static String relative(Path workspaceReal, Path p) {
        String r = workspaceReal.relativize(p).toString().replace('\\', '/');
        return r.isEmpty() ? "." : r;
    }
}
