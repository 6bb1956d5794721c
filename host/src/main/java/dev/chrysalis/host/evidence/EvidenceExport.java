package dev.chrysalis.host.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The exported form of evidence: one JSON object per line, one line per evidence turn.
 * <pre>
 * {"evidence":12,"session":"s-1","turn":3,"started":"...","finished":"...","brain":"default",
 *  "message":"what is 2+3*4","answer":"20","attributes":{...},
 *  "failures":[{"id":7,"kind":"USER_FLAG","plugin":"calculator","message":"precedence is wrong","recorded":"..."}],
 *  "bundles":[{"symbolicName":"dev.chrysalis.skill.calculator","version":"1.0.0","sha256":"..."}],
 *  "calls":[{"id":"turn-12-call-0","skill":"calculator","input":{...},"expect":{...},"clock":"...",
 *            "summary":"...","durationMicros":412}]}
 * </pre>
 * Each element of {@code calls} is a replay case line ({@link ReplayCases#parse} reads it; the extra
 * {@code summary} and {@code durationMicros} fields are ignored there) whose expectation is what the call
 * <em>recorded</em>: output or error. For a flagged turn that recording is the wrong behaviour, which is
 * exactly what a replay of the batch must show changed.
 */
public final class EvidenceExport {
    private final ObjectMapper json;

    public EvidenceExport(ObjectMapper json) {
        this.json = json;
    }

    /** The recorded tool calls of a turn as replay cases (expectations = what was recorded). */
    public static List<ReplayCase> replayCases(TurnRecord turn) {
        List<ReplayCase> cases = new ArrayList<>();
        for (RecordedToolCall call : turn.toolCalls()) {
            cases.add(replayCase(turn, call));
        }
        return cases;
    }

    static ReplayCase replayCase(TurnRecord turn, RecordedToolCall call) {
        // a failed call is judged by its error; a call that recorded neither must fail the same way again
        Optional<String> error = call.error().isPresent() || call.output().isEmpty()
                ? Optional.of(call.error().orElse("no output recorded"))
                : Optional.empty();
        Optional<JsonNode> output = error.isPresent() ? Optional.empty() : call.output();
        return new ReplayCase("turn-" + turn.id() + "-call-" + call.ordinal(), call.skill(), call.input(), output,
                error, turn.started(), 0, Map.of(), 0);
    }

    public String toJsonLine(TurnRecord turn) {
        ObjectNode o = json.createObjectNode();
        o.put("evidence", turn.id());
        o.put("session", turn.sessionId());
        o.put("turn", turn.turnIndex());
        o.put("started", turn.started().toString());
        o.put("finished", turn.finished().toString());
        o.put("brain", turn.brain());
        o.put("message", turn.userMessage());
        o.put("answer", turn.answer());
        ObjectNode attributes = o.putObject("attributes");
        new TreeMap<>(turn.attributes()).forEach(attributes::put);
        ArrayNode failures = o.putArray("failures");
        for (Failure f : turn.failures()) {
            ObjectNode fo = failures.addObject();
            fo.put("id", f.id());
            fo.put("kind", f.kind().name());
            f.plugin().ifPresent(p -> fo.put("plugin", p));
            fo.put("message", f.message());
            fo.put("recorded", f.recorded().toString());
            f.stackTrace().ifPresent(s -> fo.put("stackTrace", s));
        }
        ArrayNode bundles = o.putArray("bundles");
        for (BundleDigest b : turn.bundles()) {
            bundles.addObject().put("symbolicName", b.symbolicName()).put("version", b.version()).put("sha256", b.sha256());
        }
        ArrayNode calls = o.putArray("calls");
        for (RecordedToolCall call : turn.toolCalls()) {
            ObjectNode c = (ObjectNode) parse(ReplayCases.toJsonLine(replayCase(turn, call)));
            // the replay form omits the default clock; evidence always says when the call happened
            c.put("clock", turn.started().toString());
            call.summary().ifPresent(s -> c.put("summary", s));
            c.put("durationMicros", call.duration().toNanos() / 1_000);
            calls.add(c);
        }
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new EvidenceStoreException("cannot export turn " + turn.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new EvidenceStoreException("replay line is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
