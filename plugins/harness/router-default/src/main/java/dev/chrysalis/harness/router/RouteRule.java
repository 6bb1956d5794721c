package dev.chrysalis.harness.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One way to turn a whole message into a skill's arguments: a compiled expression whose groups feed
 * input properties, plus constant properties. Built from a skill's declared {@code RoutePattern} or
 * induced from one of its examples.
 *
 * @param label           how the rule is named in {@code Routed.reason}
 * @param groupToProperty named group -> input property
 * @param constants       input properties the rule fixes, already of the property's type
 * @param specificity     literal characters the rule demands
 * @param index           position among the skill's rules (last tie-breaker)
 */
record RouteRule(String skill, String label, Pattern pattern, Map<String, String> groupToProperty,
                 Map<String, JsonNode> constants, int priority, int specificity, int index) {

    /** Higher priority, then more literal text, then the longer expression, then skill name and position. */
    static final Comparator<RouteRule> PREFERENCE = Comparator.comparingInt(RouteRule::priority).reversed()
            .thenComparing(Comparator.comparingInt(RouteRule::specificity).reversed())
            .thenComparing(Comparator.comparingInt((RouteRule r) -> r.pattern().pattern().length()).reversed())
            .thenComparing(RouteRule::skill)
            .thenComparingInt(RouteRule::index);

    /** What applying the rule to a message gave. */
    sealed interface Outcome {
        record NoMatch() implements Outcome {
        }

        /** The expression matched but a value does not fit the schema, or a required property is missing. */
        record Rejected(String why) implements Outcome {
        }

        record Matched(ObjectNode arguments) implements Outcome {
        }
    }

    /**
     * @param readBudget character reads the regex engine may spend before the rule is abandoned
     * @throws BoundedText.BudgetExceeded when the budget runs out
     */
    Outcome apply(String message, InputSchema schema, long readBudget) {
        Matcher m = pattern.matcher(new BoundedText(message, readBudget));
        if (!m.matches()) {
            return new Outcome.NoMatch();
        }
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        // Fill in schema order so equal inputs always print the same.
        for (String property : schema.properties().keySet()) {
            JsonNode constant = constants.get(property);
            if (constant != null) {
                args.set(property, constant);
            }
            for (var g : groupToProperty.entrySet()) {
                if (!g.getValue().equals(property)) {
                    continue;
                }
                String captured = m.group(g.getKey());
                if (captured == null || captured.isBlank()) {
                    continue;
                }
                switch (schema.convert(property, captured)) {
                    case InputSchema.Conversion.Converted c -> args.set(property, c.value());
                    case InputSchema.Conversion.Rejected r -> {
                        return new Outcome.Rejected(r.why());
                    }
                }
            }
        }
        var missing = schema.missingRequired(args);
        if (!missing.isEmpty()) {
            return new Outcome.Rejected("missing required " + String.join(", ", missing));
        }
        return new Outcome.Matched(args);
    }
}
