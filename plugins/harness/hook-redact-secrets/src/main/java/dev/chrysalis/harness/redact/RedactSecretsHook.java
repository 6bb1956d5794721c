package dev.chrysalis.harness.redact;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Redacts credentials from a completed turn before anything logs or stores it: the user message, every
 * tool call's input and output (JSON walked to the leaves), summaries and errors, the answer and the other
 * hooks' attributes. Each secret becomes {@code [REDACTED:<kind>]}; the counts per kind are added to the
 * {@code redactions} attribute ({@code aws-access-key=1,password=2}). Runs at priority 10, before the
 * turn log (100). Idempotent: a turn already redacted comes back unchanged.
 */
@Component(service = Hook.class)
public final class RedactSecretsHook implements Hook {
    public static final String NAME = "redact-secrets";
    public static final int PRIORITY = 10;
    public static final String ATTRIBUTE = "redactions";

    private final SecretScanner scanner = new SecretScanner();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Leaves the incoming message as the user wrote it (a skill may need the exact text) and writes nothing
     * anywhere: no log line, no file. Redaction happens once the turn is complete, in {@link #afterTurn}.
     */
    @Override
    public TurnData beforeTurn(TurnData turn, HookContext context) {
        return turn;
    }

    @Override
    public TurnData afterTurn(TurnData turn, HookContext context) {
        RedactionCounts counts = new RedactionCounts();
        String message = scanner.redact(turn.userMessage(), counts);
        List<ToolCall> calls = new ArrayList<>(turn.toolCalls().size());
        for (ToolCall call : turn.toolCalls()) {
            calls.add(new ToolCall(call.skill(),
                    scanner.redact(call.input(), counts),
                    call.output().map(o -> scanner.redact(o, counts)),
                    call.summary().map(s -> scanner.redact(s, counts)),
                    call.error().map(e -> scanner.redact(e, counts)),
                    call.duration()));
        }
        String answer = scanner.redact(turn.answer(), counts);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (var a : new java.util.TreeMap<>(turn.attributes()).entrySet()) {
            attributes.put(a.getKey(), a.getKey().equals(ATTRIBUTE) ? a.getValue() : scanner.redact(a.getValue(), counts));
        }
        if (counts.isEmpty()) {
            return turn; // nothing found: the very same turn, so a second pass is a no-op
        }
        RedactionCounts total = RedactionCounts.parse(turn.attributes().getOrDefault(ATTRIBUTE, ""));
        total.addAll(counts);
        attributes.put(ATTRIBUTE, total.format());
        context.logger().log(System.Logger.Level.INFO, "session {0} turn {1}: redacted {2} secret(s): {3}",
                turn.sessionId(), turn.turnIndex(), counts.total(), counts.format());
        return new TurnData(turn.sessionId(), turn.turnIndex(), message, calls, answer, attributes);
    }

    /** Redacts one piece of text (for callers outside the turn flow, e.g. an export). */
    public String redact(String text) {
        return scanner.redact(text, new RedactionCounts());
    }
}
