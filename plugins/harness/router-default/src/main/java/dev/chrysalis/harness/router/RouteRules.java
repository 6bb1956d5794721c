package dev.chrysalis.harness.router;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Compiles a skill's declared route patterns into rules, skipping (and reporting) malformed ones. */
final class RouteRules {
    private RouteRules() {
    }

    static List<RouteRule> fromPatterns(SkillDescriptor skill, InputSchema schema, Consumer<String> warn) {
        List<RouteRule> rules = new ArrayList<>();
        List<RoutePattern> patterns = skill.routePatterns();
        for (int i = 0; i < patterns.size(); i++) {
            RoutePattern p = patterns.get(i);
            String where = "skill '" + skill.name() + "' route pattern #" + (i + 1) + " /" + p.regex() + "/";
            Pattern compiled;
            try {
                compiled = p.compiled();
            } catch (PatternSyntaxException e) {
                warn.accept(where + " skipped: not a valid expression (" + e.getDescription() + ")");
                continue;
            }
            Map<String, String> groups = new TreeMap<>();
            String unknown = null;
            for (String group : compiled.namedGroups().keySet()) {
                if (schema.property(group).isEmpty()) {
                    unknown = group;
                    break;
                }
                groups.put(group, group);
            }
            if (unknown != null) {
                warn.accept(where + " skipped: group '" + unknown + "' is not a property of the input schema "
                        + schema.properties().keySet());
                continue;
            }
            Map<String, JsonNode> constants = new LinkedHashMap<>();
            String bad = null;
            for (var c : new TreeMap<>(p.constants()).entrySet()) {
                if (schema.property(c.getKey()).isEmpty()) {
                    bad = "constant '" + c.getKey() + "' is not a property of the input schema " + schema.properties().keySet();
                    break;
                }
                switch (schema.convert(c.getKey(), c.getValue())) {
                    case InputSchema.Conversion.Converted v -> constants.put(c.getKey(), v.value());
                    case InputSchema.Conversion.Rejected r -> bad = "constant " + r.why();
                }
                if (bad != null) {
                    break;
                }
            }
            if (bad != null) {
                warn.accept(where + " skipped: " + bad);
                continue;
            }
            String label = "route pattern #" + (i + 1) + " of " + skill.name() + " /" + p.regex() + "/"
                    + (p.priority() != 0 ? " (priority " + p.priority() + ")" : "");
            rules.add(new RouteRule(skill.name(), label, compiled, groups, constants, p.priority(),
                    Specificity.literalLength(p.regex()), i));
        }
        return rules;
    }
}
