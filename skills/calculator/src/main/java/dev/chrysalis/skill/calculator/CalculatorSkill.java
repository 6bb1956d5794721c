package dev.chrysalis.skill.calculator;

import dev.chrysalis.spi.skill.SkillInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillExample;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Evaluates arithmetic expressions with exact decimals; see SKILL.md for the grammar and functions. */
@Component(service = Skill.class)
public final class CalculatorSkill implements Skill {
    static final int MAX_EXPRESSION_LENGTH = 10_000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String FUNCTION_NAMES = "sqrt|abs|round|min|max|floor|ceil|ln|log10|log|exp|sin|cos|tan|pi|e";
    /** Digits, operators, parentheses and function names only: anything wordier belongs to another skill. */
    private static final String MATH = "(?=[^\\d]*(?:\\d|\\bpi\\b))(?:[-+*/^%().,\\d\\s\u00d7\u00f7]|\\b(?:" + FUNCTION_NAMES + ")\\b)+";

    @Override
    public String name() {
        return "calculator";
    }

    @Override
    public String description() {
        return "Evaluates arithmetic expressions exactly: + - * / % ^, parentheses, unary minus and functions "
                + "(sqrt, abs, round, min, max, floor, ceil, ln, log10, exp, sin, cos, tan, pi, e).";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        schema.putObject("properties").putObject("expression").put("type", "string")
                .put("description", "the arithmetic expression, e.g. 2+3*4 or round(10/3, 2)");
        schema.putArray("required").add("expression");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(example("what is 2+3*4", "2+3*4"),
                example("calculate (1.5 + 2) * 4", "(1.5 + 2) * 4"),
                example("evaluate sqrt(16) + 2^3", "sqrt(16) + 2^3"),
                example("compute round(10/3, 2)", "round(10/3, 2)"),
                example("17 * 23", "17 * 23"));
    }

    private static SkillExample example(String utterance, String expression) {
        return new SkillExample(utterance, NODES.objectNode().put("expression", expression));
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return List.of(
                new RoutePattern("(?:what is|what's|whats|calculate|compute|evaluate|calc|solve)\\s+(?<expression>" + MATH + ")\\s*=?", Map.of(), 1),
                // A bare expression: needs an operator between numbers, so a lone number or a date-like text is not taken.
                new RoutePattern("(?<expression>[-+(\\s]*(?:\\d[\\d.]*|\\.\\d+)\\s*\\)*\\s*[-+*/^%\u00d7\u00f7]\\s*[-+(\\s]*(?:\\d|\\.\\d|\\b(?:" + FUNCTION_NAMES + ")\\b)(?:[-+*/^%().,\\d\\s\u00d7\u00f7]|\\b(?:" + FUNCTION_NAMES + ")\\b)*)\\s*=?", Map.of(), -1));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillInputException {
        String expression = SkillInputs.requiredText(SkillInputs.object(input), "expression").strip();
        if (expression.length() > MAX_EXPRESSION_LENGTH) {
            throw new SkillInputException("expression is " + expression.length() + " characters long; the limit is "
                    + MAX_EXPRESSION_LENGTH);
        }
        if (expression.endsWith("=")) {
            expression = expression.substring(0, expression.length() - 1).strip();
        }
        Num result;
        try {
            result = Evaluator.evaluate(expression);
        } catch (ExpressionException e) {
            throw new SkillInputException("cannot evaluate '" + SkillInputs.abbreviate(expression) + "': " + e.getMessage());
        }
        String value = Evaluator.format(result.value(), result.exact());
        ObjectNode output = NODES.objectNode();
        output.put("expression", expression);
        output.put("value", value);
        output.put("exact", result.exact());
        return new SkillResult(output, expression + (result.exact() ? " = " : " \u2248 ") + value);
    }
}
