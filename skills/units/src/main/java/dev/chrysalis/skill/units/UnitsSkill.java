package dev.chrysalis.skill.units;

import dev.chrysalis.spi.skill.SkillInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillExample;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Converts a quantity between units of one dimension; see SKILL.md for the units and spellings. */
@Component(service = Skill.class)
public final class UnitsSkill implements Skill {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String NUMBER = "[-+]?(?:\\d[\\d,]*(?:\\.\\d+)?|\\.\\d+)(?:e[-+]?\\d+)?";
    /** A unit spelling: letters, degree signs, slashes and spaces ("km/h", "°F", "fluid ounces", "m3"). */
    private static final String UNIT = "[a-zµμ°º℃℉\"'][a-zµμ°º/.\\d ]*?";

    private final UnitCatalogue catalogue = new UnitCatalogue();

    @Override
    public String name() {
        return "units";
    }

    @Override
    public String description() {
        return "Converts quantities between units of length, mass, temperature, volume, data size and speed "
                + "(e.g. 5 km to miles, 100 °F to °C, 1.5 GB to MiB, 60 mph to km/h).";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("value").put("type", "number").put("description", "the quantity to convert");
        props.putObject("from").put("type", "string").put("description", "the unit of value, e.g. km, miles, °F, GiB, mph");
        props.putObject("to").put("type", "string").put("description", "the unit to convert into");
        schema.putArray("required").add("value").add("from").add("to");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(example("convert 5 km to miles", 5, "km", "miles"),
                example("how many ounces in 2 pounds", 2, "pounds", "ounces"),
                example("100 fahrenheit in celsius", 100, "fahrenheit", "celsius"),
                example("convert 1.5 GB to MiB", 1.5, "GB", "MiB"),
                example("what is 60 mph in km/h", 60, "mph", "km/h"),
                example("how many feet in a mile", 1, "mile", "feet"));
    }

    private static SkillExample example(String utterance, double value, String from, String to) {
        ObjectNode args = NODES.objectNode();
        if (value == Math.rint(value)) {
            args.put("value", (long) value);
        } else {
            args.put("value", value);
        }
        return new SkillExample(utterance, args.put("from", from).put("to", to));
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return List.of(
                new RoutePattern("(?:(?:please )?(?:convert|change|what is|what's|how much is|how many is)\\s+)?(?<value>" + NUMBER
                        + ")\\s*(?<from>" + UNIT + ")\\s+(?:to|in|into|as|in terms of)\\s+(?<to>" + UNIT + ")", Map.of(), 10),
                new RoutePattern("how many (?<to>" + UNIT + ") (?:are )?(?:there )?(?:in|per) (?<value>" + NUMBER + ")\\s*(?<from>" + UNIT + ")", Map.of(), 10),
                new RoutePattern("how many (?<to>" + UNIT + ") (?:are )?(?:there )?(?:in|per) (?:a|an|one) (?<from>" + UNIT + ")", Map.of("value", "1"), 10));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillInputException {
        JsonNode in = SkillInputs.object(input);
        BigDecimal value = SkillInputs.optionalNumber(in, "value")
                .orElseThrow(() -> new SkillInputException("field 'value' is required (a number)"));
        if (value.abs().compareTo(new BigDecimal("1e100")) > 0 || (value.signum() != 0 && value.abs().compareTo(new BigDecimal("1e-100")) < 0)) {
            throw new SkillInputException("field 'value' is out of range (magnitude between 1e-100 and 1e100): " + value);
        }
        Unit from = unit(in, "from");
        Unit to = unit(in, "to");
        Conversion c;
        try {
            c = Conversion.of(value, from, to);
        } catch (IllegalArgumentException e) {
            throw new SkillInputException(e.getMessage());
        }
        ObjectNode out = NODES.objectNode();
        out.set("value", number(value));
        out.put("from", from.symbol());
        out.put("to", to.symbol());
        out.put("dimension", from.dimension().label);
        out.set("result", number(c.result()));
        out.put("exact", c.exact());
        String text = Conversion.plain(value) + " " + from.symbol() + (c.exact() ? " = " : " \u2248 ") + c.shown() + " " + to.symbol();
        out.put("text", text);
        return new SkillResult(out, text);
    }

    private Unit unit(JsonNode in, String field) throws SkillInputException {
        String spelling = SkillInputs.requiredText(in, field);
        if (spelling.isBlank()) {
            throw new SkillInputException("field '" + field + "' is empty: name a unit such as km, lb, °F, GiB or mph");
        }
        return catalogue.find(spelling).orElseThrow(() -> new SkillInputException(
                "unknown unit '" + SkillInputs.abbreviate(spelling.strip()) + "' in '" + field + "'; known units include "
                        + "mm cm m km in ft yd mi, mg g kg t oz lb st, °C °F K, mL L tsp cup pt gal, "
                        + "bit B kB MB GB TB KiB MiB GiB TiB, m/s km/h mph kn"));
    }

    /** Whole numbers as JSON integers, others as plain decimals. */
    static JsonNode number(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() <= 0) {
            BigInteger i = s.toBigIntegerExact();
            return i.bitLength() < 64 ? NODES.numberNode(i.longValue()) : NODES.numberNode(i);
        }
        return DecimalNode.valueOf(s);
    }
}
