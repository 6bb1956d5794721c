package dev.chrysalis.skill.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.replay.ReplayContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed inputs get a SkillInputException naming the problem, never another exception; files stay inside the workspace. */
class CsvSkillInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CsvSkill skill = new CsvSkill();

    @TempDir
    Path root;

    private Path workspace() throws Exception {
        return Files.createDirectories(root.resolve("ws"));
    }

    private ReplayContext context(SkillLimits limits) throws Exception {
        return new ReplayContext(workspace(), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(1), limits, System.getLogger("test"));
    }

    private ReplayContext context() throws Exception {
        return context(SkillLimits.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"sales.csv\"", "{}", "{\"file\":5}", "{\"file\":\"\"}", "{\"file\":\"  \"}",
            "{\"file\":\"/tmp/x.csv\"}", "{\"file\":\"a/../../x.csv\"}", "{\"file\":\"~/x.csv\"}", "{\"file\":\"a\\u0000.csv\"}",
            "{\"file\":\"data.csv\",\"column\":5}", "{\"file\":\"data.csv\",\"column\":\"nope\"}",
            "{\"file\":\"data.csv\",\"delimiter\":\"::\"}", "{\"file\":\"data.csv\",\"delimiter\":[]}", "{\"file\":\"dir\"}"})
    void malformedInputIsASkillInputException(String json) throws Exception {
        Files.writeString(workspace().resolve("data.csv"), "a,b\n1,2\n");
        Files.createDirectories(workspace().resolve("dir"));
        JsonNode input = JSON.readTree(json);
        SkillInputException e = assertThrows(SkillInputException.class, () -> skill.invoke(context(), input));
        assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.getMessage());
    }

    @Test
    void javaNullInputIsASkillInputException() {
        assertEquals("input is missing: expected a JSON object",
                assertThrows(SkillInputException.class, () -> skill.invoke(context(), null)).getMessage());
    }

    @Test
    void symlinkResolvingOutsideTheWorkspaceIsRefused() throws Exception {
        Path outside = Files.writeString(root.resolve("secret.csv"), "k\nv\n");
        Files.createSymbolicLink(workspace().resolve("link.csv"), outside);
        SkillInputException e = assertThrows(SkillInputException.class,
                () -> skill.invoke(context(), JSON.createObjectNode().put("file", "link.csv")));
        assertTrue(e.getMessage().contains("resolves outside the workspace"), e.getMessage());
    }

    @Test
    void symlinkedDirectoryLeadingOutsideIsRefused() throws Exception {
        Path outsideDir = Files.createDirectories(root.resolve("elsewhere"));
        Files.writeString(outsideDir.resolve("x.csv"), "k\nv\n");
        Files.createSymbolicLink(workspace().resolve("sub"), outsideDir);
        SkillInputException e = assertThrows(SkillInputException.class,
                () -> skill.invoke(context(), JSON.createObjectNode().put("file", "sub/x.csv")));
        assertTrue(e.getMessage().contains("resolves outside the workspace"), e.getMessage());
    }

    @Test
    void fileOverTheReadLimitIsRefused() throws Exception {
        Files.writeString(workspace().resolve("big.csv"), "a\n" + "1\n".repeat(100));
        SkillException e = assertThrows(SkillException.class, () -> skill.invoke(
                context(new SkillLimits(Duration.ofSeconds(5), 1000, 50)), JSON.createObjectNode().put("file", "big.csv")));
        assertTrue(e.getMessage().contains("the limit is 50 bytes"), e.getMessage());
    }

    @Test
    void nonUtf8FileIsAClearError() throws Exception {
        Files.write(workspace().resolve("latin.csv"), new byte[] {'a', '\n', (byte) 0xE9, '\n'});
        SkillException e = assertThrows(SkillException.class, () -> skill.invoke(context(), JSON.createObjectNode().put("file", "latin.csv")));
        assertEquals("file 'latin.csv' is not UTF-8 text", e.getMessage());
    }

    @Test
    void aLargerFileIsSummarizedQuickly() throws Exception {
        StringBuilder sb = new StringBuilder("id,group,value\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(',').append("g").append(i % 7).append(',').append(i * 0.5).append('\n');
        }
        Files.writeString(workspace().resolve("big.csv"), sb);
        var out = skill.invoke(context(), JSON.createObjectNode().put("file", "big.csv")).output();
        assertEquals(20_000, out.get("rows").asInt());
        assertEquals("99995000", out.get("columns").get(2).get("sum").decimalValue().toPlainString());
        assertEquals(7, out.get("columns").get(1).get("distinct").asInt());
    }
}
