package dev.chrysalis.evolution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.evolution.mutate.external.ExternalAgentSettings;
import dev.chrysalis.evolution.mutate.llm.LlmCoderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MutatorConfigTest {
    @TempDir
    Path data;

    @Test
    void withoutAFileTheAstOperatorsAloneAreUsedAsBefore() {
        MutatorConfig c = MutatorConfig.read(data);
        assertEquals(List.of("ast"), c.order());
        try (MutatorConfig.Opened o = c.open()) {
            assertEquals(List.of("ast"), o.mutators().stream().map(Mutator::name).toList());
        }
        assertEquals(List.of("ast"), EvolutionSettings.defaults().mutators().stream().map(Mutator::name).toList());
    }

    @Test
    void theFileSetsTheCoderAndTheAgentAndPutsThemBeforeTheAstOperators() throws Exception {
        Files.writeString(data.resolve(MutatorConfig.FILE_NAME), """
                coder.model=models/coder.gguf
                coder.temperature=0.7
                coder.seed=42
                coder.max_tokens=512
                coder.attempts=3
                coder.template=chatml
                agent.command=["/bin/sh", "fix.sh", "{prompt}"]
                agent.timeout_seconds=30
                """);
        MutatorConfig c = MutatorConfig.read(data);
        assertEquals(List.of("llm-coder", "external-agent", "ast"), c.order());
        LlmCoderSettings coder = c.coder().orElseThrow();
        assertEquals(data.resolve("models/coder.gguf"), coder.model());
        assertEquals(0.7f, coder.sampling().temperature());
        assertEquals(42, coder.seed());
        assertEquals(512, coder.maxTokens());
        assertEquals(3, coder.attempts());
        assertEquals("chatml", coder.chatTemplate().orElseThrow());
        ExternalAgentSettings agent = c.agent().orElseThrow();
        assertEquals(List.of("/bin/sh", "fix.sh", "{prompt}"), agent.command());
        assertEquals(Duration.ofSeconds(30), agent.timeout());
    }

    @Test
    void flagsOverrideTheFileAndAnExplicitOrderIsKept() throws Exception {
        Files.writeString(data.resolve(MutatorConfig.FILE_NAME), "mutators=ast\n");
        MutatorConfig c = MutatorConfig.read(data).withAgentCommand(MutatorConfig.command("sh fix.sh {prompt}"));
        assertEquals(List.of("external-agent", "ast"), c.order());
        assertEquals(List.of("sh", "fix.sh", "{prompt}"), c.agent().orElseThrow().command());
        c = c.withCoderModel(data.resolve("m.gguf"));
        assertEquals(List.of("llm-coder", "external-agent", "ast"), c.order());
        try (MutatorConfig.Opened o = MutatorConfig.astOnly().withAgentCommand(List.of("true")).open()) {
            assertEquals(List.of("external-agent", "ast"), o.mutators().stream().map(Mutator::name).toList());
        }
    }

    @Test
    void wrongSettingsFailNamingTheFileAndTheKey() throws Exception {
        Path file = data.resolve(MutatorConfig.FILE_NAME);
        Files.writeString(file, "mutators=ast,genetic\n");
        var e = assertThrows(IllegalArgumentException.class, () -> MutatorConfig.read(data));
        assertEquals(file + ": mutator 'genetic' is unknown (ast, llm-coder, external-agent)", e.getMessage());
        Files.writeString(file, "mutators=llm-coder,ast\n");
        e = assertThrows(IllegalArgumentException.class, () -> MutatorConfig.read(data));
        assertTrue(e.getMessage().endsWith("mutator llm-coder is listed but no coder model is set (coder.model or --coder-model)"), e.getMessage());
        Files.writeString(file, "coder.model=m.gguf\ncoder.seed=abc\n");
        e = assertThrows(IllegalArgumentException.class, () -> MutatorConfig.read(data));
        assertEquals(file + ": coder.seed must be a number, got 'abc'", e.getMessage());
        Files.writeString(file, "agent.command=[\"sh\", 3\n");
        e = assertThrows(IllegalArgumentException.class, () -> MutatorConfig.read(data));
        assertTrue(e.getMessage().contains("is not a JSON array of strings"), e.getMessage());
        Files.writeString(file, "coder.model=missing.gguf\n");
        MutatorConfig missing = MutatorConfig.read(data);
        var load = assertThrows(RuntimeException.class, missing::open);
        assertTrue(load.getMessage().contains("missing.gguf"), load.getMessage());
    }
}
