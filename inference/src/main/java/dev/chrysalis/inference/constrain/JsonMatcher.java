package dev.chrysalis.inference.constrain;

import dev.chrysalis.inference.constrain.Grammar.Stack;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a compiled schema over bytes: which prefixes are valid, when the value is complete. Immutable: each
 * feed returns a new matcher, so a caller can explore alternatives from one point.
 */
public final class JsonMatcher {

    private final List<Stack> states;

    JsonMatcher(Grammar.Node root) {
        this(List.of(Stack.EMPTY.push(new Grammar.Pending(root))));
    }

    JsonMatcher(List<Stack> states) {
        this.states = states;
    }

    List<Stack> states() {
        return states;
    }

    /** The matcher after {@code b}, or a dead matcher ({@link #isDead()}) if no valid document continues so. */
    public JsonMatcher feed(int b) {
        return new JsonMatcher(step(states, b & 0xFF));
    }

    /** The matcher after the UTF-8 bytes of {@code text}. */
    public JsonMatcher feed(String text) {
        List<Stack> s = states;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s = step(s, b & 0xFF);
            if (s.isEmpty()) {
                break;
            }
        }
        return new JsonMatcher(s);
    }

    static List<Stack> step(List<Stack> states, int b) {
        Grammar.Out out = new Grammar.Out();
        for (Stack s : states) {
            Grammar.step(s, b, out);
        }
        return out.states;
    }

    /** No continuation is valid: the bytes so far are not a prefix of any document of the schema. */
    public boolean isDead() {
        return states.isEmpty();
    }

    /** The bytes so far form a complete document that cannot be extended (an object or array closed, a literal ended). */
    public boolean isComplete() {
        for (Stack s : states) {
            if (s.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The bytes so far may end here: complete, or a top-level number that could also take more digits. */
    public boolean canEnd() {
        for (Stack s : states) {
            if (Grammar.canEnd(s)) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code text} is exactly one complete document of the schema. */
    public static boolean accepts(JsonSchema schema, String text) {
        return schema.matcher().feed(text).canEnd();
    }
}
