package dev.chrysalis.skill.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads and searches stay inside the workspace, whatever the path or link says; malformed input is a clear error. */
class FilesConfinementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FilesSkill skill = new FilesSkill();

    @TempDir
    Path root;
    Path workspace;
    Path outside;

    @BeforeEach
    void layout() throws Exception {
        workspace = Files.createDirectories(root.resolve("ws"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET\n");
        Files.writeString(workspace.resolve("inside.txt"), "hello\n");
        Files.createDirectories(workspace.resolve("docs"));
        Files.writeString(workspace.resolve("docs/a.md"), "a\n");
        Files.createSymbolicLink(workspace.resolve("escape.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(workspace.resolve("escape-dir"), outside);
        Files.createSymbolicLink(workspace.resolve("alias.txt"), workspace.resolve("inside.txt"));
        Files.createSymbolicLink(workspace.resolve("dangling.txt"), workspace.resolve("gone.txt"));
    }

    private ReplayContext context(SkillLimits limits) {
        return new ReplayContext(workspace, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(1), limits, System.getLogger("test"));
    }

    private JsonNode invoke(String json) throws Exception {
        return skill.invoke(context(SkillLimits.DEFAULT), JSON.readTree(json)).output();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "\\\\server\\\\share", "C:\\\\Windows\\\\win.ini", "~/secret.txt", "../outside/secret.txt",
            "docs/../../outside/secret.txt", "docs/..", "escape.txt", "escape-dir/secret.txt"})
    void readOutsideTheWorkspaceIsRefused(String path) {
        var input = JSON.createObjectNode().put("operation", "read").put("path", path);
        SkillInputException e = assertThrows(SkillInputException.class, () -> skill.invoke(context(SkillLimits.DEFAULT), input));
        assertTrue(e.getMessage().startsWith("field 'path'"), e.getMessage());
        assertFalse(e.getMessage().contains("TOP SECRET"));
    }

    @Test
    void linkInsideTheWorkspaceIsRead() throws Exception {
        assertEquals("hello\n", invoke("{\"operation\":\"read\",\"path\":\"alias.txt\"}").get("content").asText());
    }

    @Test
    void danglingLinkIsAClearError() {
        SkillException e = assertThrows(SkillException.class, () -> invoke("{\"operation\":\"read\",\"path\":\"dangling.txt\"}"));
        assertTrue(e.getMessage().contains("cannot be resolved"), e.getMessage());
    }

    @Test
    void findSkipsLinksLeadingOutsideAndNeverEntersLinkedDirectories() throws Exception {
        JsonNode out = invoke("{\"operation\":\"find\",\"pattern\":\"*.txt\"}");
        List<String> paths = new ArrayList<>();
        out.get("files").forEach(f -> paths.add(f.get("path").asText()));
        assertEquals(List.of("alias.txt", "inside.txt"), paths);
        assertEquals(2, out.get("skippedLinks").asInt()); // escape.txt (outside) and dangling.txt (missing)
    }

    @Test
    void listShowsLinksAsLinks() throws Exception {
        JsonNode out = invoke("{\"operation\":\"list\"}");
        List<String> described = new ArrayList<>();
        out.get("entries").forEach(e -> described.add(e.get("name").asText() + ":" + e.get("type").asText()));
        assertEquals(List.of("alias.txt:link", "dangling.txt:link", "docs:directory", "escape-dir:link", "escape.txt:link",
                "inside.txt:file"), described);
    }

    @Test
    void listingALinkedDirectoryOutsideIsRefused() {
        assertThrows(SkillInputException.class, () -> invoke("{\"operation\":\"list\",\"path\":\"escape-dir\"}"));
        assertThrows(SkillInputException.class, () -> invoke("{\"operation\":\"find\",\"pattern\":\"*\",\"path\":\"escape-dir\"}"));
    }

    @Test
    void readStopsAtTheByteLimitOnALineBoundary() throws Exception {
        Files.writeString(workspace.resolve("big.txt"), "0123456789\n".repeat(100));
        var out = skill.invoke(context(new SkillLimits(Duration.ofSeconds(5), 10_000, 55)),
                JSON.readTree("{\"operation\":\"read\",\"path\":\"big.txt\"}")).output();
        assertTrue(out.get("truncated").asBoolean());
        assertEquals(5, out.get("lines").asInt());
        assertEquals("0123456789\n".repeat(5), out.get("content").asText());
        assertEquals(1100, out.get("size").asInt());
    }

    @Test
    void readStopsAtTheOutputLimit() throws Exception {
        Files.writeString(workspace.resolve("wide.txt"), "abcdefghij\n".repeat(100));
        var out = skill.invoke(context(new SkillLimits(Duration.ofSeconds(5), 35, 100_000)),
                JSON.readTree("{\"operation\":\"read\",\"path\":\"wide.txt\"}")).output();
        assertTrue(out.get("truncated").asBoolean());
        assertEquals(3, out.get("endLine").asInt());
    }

    @Test
    void multiByteCharacterCutAtTheLimitIsNotMistakenForBinary() throws Exception {
        Files.writeString(workspace.resolve("utf8.txt"), "héllo\n".repeat(20));
        var out = skill.invoke(context(new SkillLimits(Duration.ofSeconds(5), 10_000, 9)),
                JSON.readTree("{\"operation\":\"read\",\"path\":\"utf8.txt\"}")).output();
        assertEquals("héllo\n", out.get("content").asText());
    }

    @Test
    void invalidUtf8IsReportedAsBinary() throws Exception {
        Files.write(workspace.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        SkillException e = assertThrows(SkillException.class, () -> invoke("{\"operation\":\"read\",\"path\":\"latin1.txt\"}"));
        assertEquals("'latin1.txt' looks binary (not UTF-8 text); not shown", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"read\"", "{}", "{\"operation\":3}", "{\"operation\":\"read\"}", "{\"operation\":\"read\",\"path\":5}",
            "{\"operation\":\"read\",\"path\":\"\"}", "{\"operation\":\"read\",\"path\":\"inside.txt\",\"startLine\":\"x\"}",
            "{\"operation\":\"read\",\"path\":\"inside.txt\",\"startLine\":0}", "{\"operation\":\"read\",\"path\":\"inside.txt\",\"startLine\":1.5}",
            "{\"operation\":\"read\",\"path\":\"a\\u0000b\"}", "{\"operation\":\"find\",\"pattern\":\"\"}", "{\"operation\":\"find\",\"pattern\":[]}",
            "{\"operation\":\"find\",\"pattern\":\"/etc/*\"}", "{\"operation\":\"find\",\"pattern\":\"*\",\"path\":\"inside.txt\"}",
            "{\"operation\":\"list\",\"path\":\"/\"}", "{\"operation\":\"list\",\"path\":\"..\"}", "{\"operation\":\"list\",\"path\":{}}"})
    void malformedInputIsASkillInputException(String json) throws Exception {
        JsonNode input = JSON.readTree(json);
        SkillInputException e = assertThrows(SkillInputException.class, () -> skill.invoke(context(SkillLimits.DEFAULT), input));
        assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.getMessage());
    }

    @Test
    void javaNullInputIsASkillInputException() {
        assertEquals("input is missing: expected a JSON object",
                assertThrows(SkillInputException.class, () -> skill.invoke(context(SkillLimits.DEFAULT), null)).getMessage());
    }

    @Test
    void findStopsAtTheResultLimitAndSaysSo() throws Exception {
        Path many = Files.createDirectories(workspace.resolve("many"));
        for (int i = 0; i < 12; i++) {
            Files.writeString(many.resolve("f" + i + ".log"), "");
        }
        FileFinder.Result limited = FileFinder.find(workspace.toRealPath(), workspace.toRealPath(), "*.log", 5);
        assertEquals(5, limited.files().size());
        assertTrue(limited.truncated());
        FileFinder.Result all = FileFinder.find(workspace.toRealPath(), workspace.toRealPath(), "*.log", 1_000);
        assertEquals(12, all.files().size());
        assertFalse(all.truncated());
        assertEquals("many/f0.log", all.files().getFirst().path());
        FileFinder.Result exact = FileFinder.find(workspace.toRealPath(), workspace.toRealPath(), "*.log", 12);
        assertFalse(exact.truncated(), "exactly the limit is not truncated");
    }
}
