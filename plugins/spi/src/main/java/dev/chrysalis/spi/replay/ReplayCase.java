package dev.chrysalis.spi.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One recorded invocation and what it must produce. The JSON-lines form, one case per line:
 * <pre>
 * {"id":"precedence","input":{"expression":"2+3*4"},"expect":{"value":"14"}}
 * {"id":"bad-paren","input":{"expression":"(1"},"expectError":"missing ')'"}
 * {"id":"now","input":{...},"clock":"2026-01-01T00:00:00Z","seed":7,"files":{"data.csv":"a,b\n1,2\n"},"expect":{...}}
 * </pre>
 *
 * @param expectedOutput the exact output JSON (numbers compared within {@code tolerance})
 * @param expectedError  a substring the failure message must contain
 * @param clock          the instant the recorded call saw as "now" (default 2026-01-01T00:00:00Z)
 * @param files          workspace files (relative path -> UTF-8 content) present before the call
 */
public record ReplayCase(String id, String skill, JsonNode input, Optional<JsonNode> expectedOutput,
                         Optional<String> expectedError, Instant clock, long seed, Map<String, String> files,
                         double tolerance) {
    public static final Instant DEFAULT_CLOCK = Instant.parse("2026-01-01T00:00:00Z");

    public ReplayCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(skill, "skill");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(clock, "clock");
        files = Map.copyOf(files);
        if (expectedOutput.isPresent() == expectedError.isPresent()) {
            throw new IllegalArgumentException("replay case '" + id + "': exactly one of expect and expectError must be given");
        }
        if (tolerance < 0 || Double.isNaN(tolerance)) {
            throw new IllegalArgumentException("replay case '" + id + "': tolerance must be >= 0, got " + tolerance);
        }
    }
}
