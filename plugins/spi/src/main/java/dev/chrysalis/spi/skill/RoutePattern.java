package dev.chrysalis.spi.skill;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A case-insensitive regular expression that, when it matches a whole user message, selects the skill.
 * Each named group becomes the input property of the same name; {@code constants} adds fixed properties
 * (e.g. {@code {"operation":"upper"}}). Values are converted to the property's schema type by the router.
 *
 * @param regex     the expression (named groups: letters and digits only, as Java requires)
 * @param constants fixed input properties this pattern implies
 * @param priority  higher wins when several skills' patterns match (ties go to the longer regex)
 */
public record RoutePattern(String regex, Map<String, String> constants, int priority) {
    public RoutePattern {
        Objects.requireNonNull(regex, "regex");
        constants = Map.copyOf(constants);
        Pattern.compile(regex); // fail fast, at the skill's construction, on a malformed pattern
    }

    public RoutePattern(String regex) {
        this(regex, Map.of(), 0);
    }

    public RoutePattern(String regex, Map<String, String> constants) {
        this(regex, constants, 0);
    }

    public Pattern compiled() {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }
}
