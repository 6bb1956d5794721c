package dev.chrysalis.directory.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.directory.osgi.Version;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class IndexCodecTest {
    private final IndexCodec codec = new IndexCodec();

    static IndexEntry entry(String id, String version) {
        return new IndexEntry(id, Version.parse(version, "test"), "Name " + id, "desc", "summary", List.of("x.cap;a=1"),
                List.of(), List.of("dev.chrysalis.spi.skill;version=\"[1.0,2)\""), List.of("p.q;version=\"1.0.0\""),
                "a".repeat(64), 1234, "bundles/" + id + ".jar", Instant.parse("2026-11-23T00:00:00Z"),
                "ed25519:" + "0".repeat(32), "community",
                new Scorecard(OptionalInt.of(5), OptionalDouble.of(0.8),
                        new Scorecard.CapabilityScan("safe", List.of("fs.read"), List.of(), List.of()), List.of("ev-1")),
                "c2ln");
    }

    @Test
    void writtenIndexReadsBackEqual() {
        var entries = List.of(entry("a.one", "1.0.0"), entry("b.two", "2.1.0.beta"));
        DirectoryIndex read = codec.read(codec.write(entries), "mem");
        assertEquals(entries, read.entries());
        assertEquals(List.of(), read.problems());
    }

    @Test
    void canonicalFormIgnoresSignatureAndIsStable() {
        IndexEntry e = entry("a.one", "1.0.0");
        assertArrayEquals(codec.canonical(e), codec.canonical(e.withSignature("other")));
        String c = new String(codec.canonical(e), StandardCharsets.UTF_8);
        assertTrue(c.startsWith("{\"description\":\"desc\",\"exports\":"), c);
        assertTrue(!c.contains("signature") && !c.contains("\": ") && !c.contains(", ") && !c.contains("\n"), c);
    }

    @Test
    void malformedEntryIsReportedByNameAndTheOthersStillLoad() {
        String good = new String(codec.write(List.of(entry("a.one", "1.0.0"), entry("c.three", "1.0.0"))), StandardCharsets.UTF_8);
        String bad = good.replaceFirst("\\{\\s*\"id\" : \"c.three\"", """
                { "id" : "b.broken", "version": "1.x", "sha256": "zz" }, {"id": "b.syntax", "size": 12x },
                { "id" : "c.three\"""");
        DirectoryIndex index = codec.read(bad.getBytes(StandardCharsets.UTF_8), "mem");
        assertEquals(List.of("a.one", "c.three"), index.entries().stream().map(IndexEntry::id).toList());
        assertEquals(2, index.problems().size(), index.problems().toString());
        IndexProblem p1 = index.problems().get(0);
        assertEquals("b.broken", p1.entryId());
        assertEquals(2, p1.position());
        assertTrue(p1.message().contains("'1.x' is not an OSGi version"), p1.message());
        IndexProblem p2 = index.problems().get(1);
        assertEquals("b.syntax", p2.entryId());
        assertTrue(p2.message().startsWith("malformed JSON"), p2.message());
    }

    @Test
    void missingFieldNamesEntryAndField() {
        String text = new String(codec.write(List.of(entry("a.one", "1.0.0"))), StandardCharsets.UTF_8)
                .replace("\"sha256\" : \"" + "a".repeat(64) + "\",", "");
        DirectoryIndex index = codec.read(text.getBytes(StandardCharsets.UTF_8), "mem");
        assertEquals(List.of(), index.entries());
        assertEquals("entry #1 'a.one': field 'sha256' is missing", index.problems().getFirst().message());
    }

    @Test
    void truncatedIndexKeepsTheEntriesBeforeTheCut() {
        byte[] full = codec.write(List.of(entry("a.one", "1.0.0"), entry("b.two", "1.0.0"), entry("c.three", "1.0.0")));
        String text = new String(full, StandardCharsets.UTF_8);
        String cut = text.substring(0, text.indexOf("\"c.three\"") + 60);
        DirectoryIndex index = codec.read(cut.getBytes(StandardCharsets.UTF_8), "mem");
        assertEquals(List.of("a.one", "b.two"), index.entries().stream().map(IndexEntry::id).toList());
        IndexProblem p = index.problems().getFirst();
        assertEquals(3, p.position());
        assertEquals("c.three", p.entryId());
        assertTrue(p.message().startsWith("truncated: the index ends inside this entry"), p.message());
    }

    @Test
    void notAnIndexIsOneClearError() {
        var e = assertThrows(IndexFormatException.class, () -> codec.read("[1,2]".getBytes(StandardCharsets.UTF_8), "x.json"));
        assertEquals("x.json: not a directory index (expected a JSON object)", e.getMessage());
        var f = assertThrows(IndexFormatException.class,
                () -> codec.read("{\"format\":\"other/9\",\"entries\":[]}".getBytes(StandardCharsets.UTF_8), "x.json"));
        assertTrue(f.getMessage().contains("index format 'other/9' is not chrysalis-directory/1"), f.getMessage());
    }

    @Test
    void searchRanksNameHitsFirstAndKeepsOnlyNewestVersions() {
        var index = new DirectoryIndex("m", List.of(entry("x.calc", "1.0.0"), entry("x.calc", "1.2.0"),
                new IndexEntry("y.other", Version.parse("1.0.0", "t"), "Other", "a calc helper", "", List.of(), List.of(),
                        List.of(), List.of(), "b".repeat(64), 1, "b.jar", Instant.EPOCH, "ed25519:" + "0".repeat(32),
                        "core", entry("q", "1.0.0").scorecard(), "s")), List.of());
        var hits = index.search("CALC");
        assertEquals(List.of("x.calc", "y.other"), hits.stream().map(IndexEntry::id).toList());
        assertEquals("1.2.0", hits.getFirst().version().toString());
        assertEquals(List.of(), index.search("calc nothing-like-this"));
    }
}
