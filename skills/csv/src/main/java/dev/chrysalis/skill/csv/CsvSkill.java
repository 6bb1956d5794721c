package dev.chrysalis.skill.csv;

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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/** Column statistics of a CSV file in the workspace. See SKILL.md. */
@Component(service = Skill.class)
public final class CsvSkill implements Skill {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String FILE = "[\\w./-]+\\.(?:csv|tsv)";

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String description() {
        return "Column statistics of a CSV file in the workspace: count, missing, min, max, mean, median, standard "
                + "deviation and sum of numeric columns; distinct and most frequent values of text columns.";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        p.putObject("file").put("type", "string").put("description", "the CSV file, relative to the workspace");
        p.putObject("column").put("type", "string").put("description", "only this column (by header name)");
        p.putObject("delimiter").put("type", "string").put("description", "',', ';' or 'tab' (detected when absent)");
        schema.putArray("required").add("file");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(
                example("stats for sales.csv", Map.of("file", "sales.csv")),
                example("mean of price in sales.csv", Map.of("column", "price", "file", "sales.csv")),
                example("statistics of column age in data/people.csv", Map.of("column", "age", "file", "data/people.csv")),
                example("summarize ledger.csv", Map.of("file", "ledger.csv")),
                example("what is the max of revenue in q3.csv", Map.of("column", "revenue", "file", "q3.csv")));
    }

    private static SkillExample example(String utterance, Map<String, String> args) {
        ObjectNode node = NODES.objectNode();
        args.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> node.put(e.getKey(), e.getValue()));
        return new SkillExample(utterance, node);
    }

    @Override
    public List<RoutePattern> routePatterns() {
        String stats = "(?:stats|statistics|summary|summarize|summarise|describe|analy[sz]e|profile)";
        String measure = "(?:mean|average|sum|total|min|minimum|max|maximum|median|std ?dev|standard deviation|count|distinct values|top values)";
        return List.of(
                new RoutePattern(stats + "(?: for| of| on)?(?: the)?(?: file)? (?<file>" + FILE + ")", Map.of(), 6),
                new RoutePattern(stats + "(?: for| of)?(?: the)? column (?<column>[\\w .-]+?) (?:in|of|from) (?<file>" + FILE + ")", Map.of(), 6),
                new RoutePattern("(?:what is |what's )?(?:the )?" + measure + "(?: value)? (?:of )?(?:the )?(?:column )?(?<column>[\\w-]+)(?: column)? (?:in|of|from) (?<file>" + FILE + ")", Map.of(), 6));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        JsonNode in = SkillInputs.object(input);
        String fileText = SkillInputs.requiredText(in, "file");
        Optional<String> column = SkillInputs.optionalText(in, "column");
        Optional<Character> delimiter = delimiter(SkillInputs.optionalText(in, "delimiter"));
        Path real = WorkspacePaths.existingFile(context.workspace(), "file", fileText);
        String name = fileText.strip();
        String text = read(real, name, context.limits().maxReadBytes());
        char used = delimiter.orElseGet(() -> CsvParser.detectDelimiter(text));
        CsvTable table;
        try {
            table = CsvParser.parse(text, used);
        } catch (CsvFormatException e) {
            throw new SkillException(name + ": " + e.getMessage());
        }
        ObjectNode out = NODES.objectNode().put("file", name).put("delimiter", used == '\t' ? "tab" : String.valueOf(used))
                .put("rows", table.rows().size());
        ArrayNode columns = out.putArray("columns");
        if (column.isPresent()) {
            int index = columnIndex(table, column.get(), name);
            columns.add(ColumnStats.of(table.header().get(index), table.column(index)));
        } else {
            for (int i = 0; i < table.header().size(); i++) {
                columns.add(ColumnStats.of(table.header().get(i), table.column(i)));
            }
        }
        return new SkillResult(out, summary(name, table, columns));
    }

    private static String summary(String name, CsvTable table, ArrayNode columns) {
        if (columns.size() == 1) {
            JsonNode c = columns.get(0);
            if (c.get("type").asText().equals("number")) {
                return name + " column " + c.get("name").asText() + ": count " + c.get("count") + ", mean " + c.get("mean")
                        + ", min " + c.get("min") + ", max " + c.get("max") + ", sum " + c.get("sum");
            }
            return name + " column " + c.get("name").asText() + ": " + c.get("count") + " values, " + c.path("distinct") + " distinct";
        }
        return name + ": " + table.rows().size() + " rows, " + columns.size() + " columns (" + String.join(", ", table.header()) + ")";
    }

    private static Optional<Character> delimiter(Optional<String> given) throws SkillInputException {
        if (given.isEmpty()) {
            return Optional.empty();
        }
        String d = given.get();
        return switch (d.toLowerCase(Locale.ROOT)) {
            case ",", "comma" -> Optional.of(',');
            case ";", "semicolon" -> Optional.of(';');
            case "\t", "tab", "\\t" -> Optional.of('\t');
            case "|", "pipe" -> Optional.of('|');
            default -> throw new SkillInputException("field 'delimiter': '" + SkillInputs.abbreviate(d)
                    + "' is not one of ',', ';', 'tab', '|'");
        };
    }

    private static int columnIndex(CsvTable table, String wanted, String file) throws SkillInputException {
        List<String> header = table.header();
        String w = wanted.strip();
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).equals(w)) {
                return i;
            }
        }
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).equalsIgnoreCase(w)) {
                return i;
            }
        }
        throw new SkillInputException("no column '" + SkillInputs.abbreviate(w) + "' in " + file + "; its columns are: "
                + String.join(", ", header));
    }

    private static String read(Path real, String name, long maxBytes) throws SkillException {
        try {
            long size = Files.size(real);
            if (size > maxBytes) {
                throw new SkillException("file '" + name + "' is " + size + " bytes; the limit is " + maxBytes + " bytes");
            }
            byte[] bytes = Files.readAllBytes(real);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SkillException("file '" + name + "' is not UTF-8 text");
        } catch (IOException e) {
            throw new SkillException("cannot read file '" + name + "': " + e.getMessage());
        }
    }
}
