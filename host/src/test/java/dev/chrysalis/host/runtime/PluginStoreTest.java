package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.host.runtime.PluginStore.PluginState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginStoreTest {

    @TempDir
    Path root;

    @Test
    void theHandWrittenJournalLineIsJsonWithTheWholeState() throws Exception {
        PluginState state = new PluginState("dev.chrysalis.skill-x_1", "a".repeat(64), List.of("b".repeat(64), "c".repeat(64)));

        String line = PluginStore.journalLine(state);
        JsonNode node = new ObjectMapper().readTree(line);

        assertEquals(1, line.chars().filter(c -> c == '\n').count(), line);
        assertEquals("dev.chrysalis.skill-x_1", node.path("symbolicName").asText());
        assertEquals("a".repeat(64), node.path("live").asText());
        assertEquals(List.of("b".repeat(64), "c".repeat(64)),
                List.of(node.path("history").get(0).asText(), node.path("history").get(1).asText()));
        assertEquals("{\"symbolicName\":\"p\",\"live\":\"d\",\"history\":[]}\n",
                PluginStore.journalLine(new PluginState("p", "d", List.of())));
    }

    @Test
    void eachSaveAppendsAndTheLastStateIsLoaded() throws Exception {
        PluginStore store = new PluginStore(root);
        PluginState first = new PluginState("dev.chrysalis.bench.echo", "1".repeat(64), List.of());
        PluginState second = first.swappedTo("2".repeat(64));

        store.save(first);
        store.save(second);

        assertEquals(Optional.of(second), store.load("dev.chrysalis.bench.echo"));
        assertEquals(List.of("dev.chrysalis.bench.echo"), store.plugins());
    }
}
