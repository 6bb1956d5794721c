package dev.chrysalis.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.directory.InstallRefusedException.Reason;
import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.directory.install.InstalledBundle;
import dev.chrysalis.directory.server.DirectoryServer;
import dev.chrysalis.governance.capability.TrustTier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryRoundTripTest {
    private static final String SKILL_MD = """
            ---
            name: greeter
            description: Greets people by name in several languages.
            ---
            # greeter
            Say hello.
            """;

    private static TestBundles lib(String version, String apiVersion) {
        return TestBundles.bundle("dev.test.lib", version)
                .header("Export-Package", "dev.test.lib.api;version=\"" + apiVersion + "\"");
    }

    private static TestBundles app(String version) {
        return TestBundles.bundle("dev.test.greeter", version)
                .header("Import-Package", "dev.test.lib.api;version=\"[1.0,2)\",dev.chrysalis.spi.skill;version=\"[1.0,2)\",java.util")
                .header("Require-Capability", "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=25))\"")
                .file("SKILL.md", SKILL_MD).file("replay.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
    }

    @Test
    void publishSearchInstallUpgradeRemoveRoundTripOverHttp(@TempDir Path tmp) throws Exception {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        Path jars = tmp.resolve("jars");
        Publisher pub = fx.publisher();
        pub.publish(lib("1.0.0", "1.0.0").write(jars), Publisher.Options.of(TrustTier.COMMUNITY));
        IndexEntry app1 = pub.publish(app("1.0.0").write(jars), new Publisher.Options(TrustTier.COMMUNITY,
                java.util.OptionalInt.empty(), java.util.OptionalDouble.of(1.0), List.of("ev-17", "ev-18"), false));
        assertEquals(3, app1.scorecard().replayCases().getAsInt(), "replay cases counted from the jar's replay.jsonl");
        assertEquals("Greets people by name in several languages.", app1.summary());

        try (DirectoryServer server = DirectoryServer.start(fx.folder, "localhost", 0);
             HttpClient http = HttpClient.newHttpClient()) {
            assertTrue(server.uri().getPort() > 0);
            var xml = http.send(HttpRequest.newBuilder(server.uri().resolve("repository.xml")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, xml.statusCode());
            assertTrue(xml.body().contains("osgi.identity") && xml.body().contains(app1.sha256()));
            assertEquals(404, http.send(HttpRequest.newBuilder(server.uri().resolve("bundles/..%2Findex.json")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());

            Directory dir = fx.directory(server.uri().toString(), http);
            List<IndexEntry> hits = dir.search("greets languages");
            assertEquals(List.of("dev.test.greeter"), hits.stream().map(IndexEntry::id).toList());
            assertEquals(2, dir.search("").size());

            // the app needs the lib's package: refused until the lib is there
            var unresolved = assertThrows(InstallRefusedException.class, () -> dir.install("dev.test.greeter",
                    Optional.empty(), false, false));
            assertEquals(Reason.UNRESOLVED, unresolved.reason());
            assertTrue(unresolved.getMessage().contains("imports dev.test.lib.api [1.0.0,2.0.0)"), unresolved.getMessage());

            dir.install("dev.test.lib", Optional.empty(), false, false);
            InstallReport dry = dir.install("dev.test.greeter", Optional.empty(), false, true);
            assertFalse(dry.applied());
            assertTrue(dry.plan().wiring().stream().anyMatch(w -> w.startsWith("dev.test.lib.api") && w.contains("dev.test.lib 1.0.0")),
                    dry.plan().wiring().toString());
            assertEquals(1, fx.local().installer().installed().size(), "a dry run installs nothing");

            InstallReport installed = dir.install("dev.test.greeter", Optional.empty(), false, false);
            assertTrue(installed.applied());
            assertEquals(Optional.of(TrustTier.COMMUNITY), installed.tier());
            assertTrue(Files.exists(fx.plugins.resolve("dev.test.greeter-1.0.0.jar")));

            // a new version published while the server runs is served at once
            pub.publish(app("1.1.0").write(jars), Publisher.Options.of(TrustTier.COMMUNITY));
            pub.publish(lib("1.1.0", "1.1.0").write(jars), Publisher.Options.of(TrustTier.COMMUNITY));
            assertEquals("1.1.0", dir.show("dev.test.greeter").getFirst().version().toString());

            InstallReport up = dir.upgrade("dev.test.greeter", Optional.empty(), false, false);
            assertEquals("upgrade", up.action());
            assertEquals(Optional.of("1.0.0"), up.from());
            assertFalse(Files.exists(fx.plugins.resolve("dev.test.greeter-1.0.0.jar")), "the old jar is gone");
            assertTrue(Files.exists(fx.plugins.resolve("dev.test.greeter-1.1.0.jar")));

            InstallReport libUp = dir.upgrade("dev.test.lib", Optional.empty(), false, false);
            assertEquals(List.of("dev.test.greeter 1.1.0"), libUp.plan().refresh(), "the importer of its package is refreshed");

            var downgrade = assertThrows(InstallRefusedException.class,
                    () -> dir.upgrade("dev.test.greeter", Optional.of("1.0.0"), false, false));
            assertEquals(Reason.DOWNGRADE, downgrade.reason());
            assertTrue(downgrade.getMessage().contains("1.0.0 is older than the installed 1.1.0"), downgrade.getMessage());
            assertEquals("downgrade", dir.upgrade("dev.test.greeter", Optional.of("1.0.0"), true, false).action());

            var needed = assertThrows(InstallRefusedException.class, () -> dir.remove("dev.test.lib", false, false));
            assertEquals(Reason.DEPENDENTS, needed.reason());
            assertTrue(needed.getMessage().contains("dev.test.greeter 1.0.0 imports dev.test.lib.api"), needed.getMessage());

            dir.remove("dev.test.greeter", false, false);
            InstallReport removed = dir.remove("dev.test.lib", false, false);
            assertEquals(List.of("dev.test.lib 1.1.0"), removed.plan().remove());
            List<InstalledBundle> left = fx.local().installer().installed();
            assertTrue(left.isEmpty(), left.toString());
            try (var files = Files.list(fx.plugins)) {
                assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".jar")).toList());
            }
        }
    }

    @Test
    void serverAnswersMissingFilesWith404AndRejectsWrites(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("d"));
        try (DirectoryServer server = DirectoryServer.start(tmp.resolve("d"), "localhost", 0);
             HttpClient http = HttpClient.newHttpClient()) {
            URI u = server.uri();
            assertEquals(404, http.send(HttpRequest.newBuilder(u.resolve("index.json")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(u.resolve("index.json"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            var ex = assertThrows(DirectoryException.class,
                    () -> DirectorySource.of(u.toString(), http).load());
            assertTrue(ex.getMessage().contains("HTTP 404"), ex.getMessage());
        }
    }

    @Test
    void servedRootIsASearchPageOverTheCurrentIndex(@TempDir Path tmp) throws Exception {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(lib("1.0.0", "1.0.0").write(tmp.resolve("j")), Publisher.Options.of(TrustTier.COMMUNITY));
        fx.publisher().publish(app("1.0.0").write(tmp.resolve("j")), Publisher.Options.of(TrustTier.COMMUNITY));
        try (DirectoryServer server = DirectoryServer.start(fx.folder, "localhost", 0);
             HttpClient http = HttpClient.newHttpClient()) {
            var page = http.send(HttpRequest.newBuilder(server.uri().resolve("/?q=greets+%3Cb%3E")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            assertTrue(page.body().contains("value=\"greets &lt;b&gt;\""), "the query is echoed escaped");
            assertTrue(page.body().contains("Nothing matches."), page.body());
            var all = http.send(HttpRequest.newBuilder(server.uri().resolve("/?q=greets")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(all.contains("<code>dev.test.greeter</code>") && !all.contains("<code>dev.test.lib</code>"), all);
            assertTrue(all.contains("3 replay cases; scan safe"), all);
            assertTrue(all.contains("1 of 2 bundles"), all);
        }
    }

    @Test
    void servedIndexWithABrokenAndATruncatedEntryStillServesTheRest(@TempDir Path tmp) throws Exception {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        IndexEntry broken = fx.publisher().publish(TestBundles.bundle("dev.test.broken", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        fx.publisher().publish(lib("1.0.0", "1.0.0").write(tmp.resolve("j")), Publisher.Options.of(TrustTier.COMMUNITY));
        fx.publisher().publish(TestBundles.bundle("dev.test.cut", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        Path index = fx.folder.resolve("index.json");
        String text = Files.readString(index).replace(broken.sha256(), "not-a-digest");
        Files.writeString(index, text.substring(0, text.indexOf("\"dev.test.cut\"") + 40));
        try (DirectoryServer server = DirectoryServer.start(fx.folder, "localhost", 0);
             HttpClient http = HttpClient.newHttpClient()) {
            Directory dir = fx.directory(server.uri() + "index.json", http);
            var loaded = dir.index();
            assertEquals(List.of("dev.test.lib"), loaded.entries().stream().map(IndexEntry::id).toList());
            assertEquals(List.of("dev.test.broken", "dev.test.cut"),
                    loaded.problems().stream().map(dev.chrysalis.directory.index.IndexProblem::entryId).toList());
            assertTrue(loaded.problems().get(0).message().contains("field 'sha256' must be 64 lowercase hex digits"),
                    loaded.problems().get(0).message());
            assertTrue(loaded.problems().get(1).message().startsWith("truncated"), loaded.problems().get(1).message());
            assertTrue(dir.install("dev.test.lib", Optional.empty(), false, false).applied());
            assertEquals(Reason.NOT_FOUND, assertThrows(InstallRefusedException.class,
                    () -> dir.install("dev.test.broken", Optional.empty(), false, false)).reason());
            var refused = assertThrows(DirectoryException.class, () -> fx.publisher().publish(
                    lib("2.0.0", "2.0.0").write(tmp.resolve("k")), Publisher.Options.of(TrustTier.COMMUNITY)));
            assertTrue(refused.getMessage().contains("rewriting would drop them"), refused.getMessage());
        }
    }
}
