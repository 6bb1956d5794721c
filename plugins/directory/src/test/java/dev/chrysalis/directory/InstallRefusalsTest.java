package dev.chrysalis.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.directory.InstallRefusedException.Reason;
import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.governance.capability.TrustTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallRefusalsTest {
    @TempDir
    Path tmp;

    private InstallRefusedException refused(Directory d, String id) {
        var e = assertThrows(InstallRefusedException.class, () -> d.install(id, Optional.empty(), false, false));
        assertTrue(d.installer().installed().isEmpty(), "nothing is installed after a refusal");
        return e;
    }

    @Test
    void tamperedJarIsRefusedForItsHash() throws Exception {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        IndexEntry e = fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        Path jar = fx.folder.resolve(e.location());
        byte[] bytes = Files.readAllBytes(jar);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(jar, bytes);
        var ex = refused(fx.local(), "dev.test.a");
        assertEquals(Reason.HASH_MISMATCH, ex.reason());
        assertTrue(ex.getMessage().contains("the signed entry says " + e.sha256()), ex.getMessage());
    }

    @Test
    void entryChangedAfterSigningIsRefusedForItsSignature() throws Exception {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        Path index = fx.folder.resolve("index.json");
        Files.writeString(index, Files.readString(index).replace("\"community\"", "\"core\""));
        var ex = refused(fx.local(), "dev.test.a");
        assertEquals(Reason.BAD_SIGNATURE, ex.reason());
        assertTrue(ex.getMessage().contains("signature does not verify with key " + fx.key.keyId()), ex.getMessage());
    }

    @Test
    void signatureByAnUntrustedKeyIsRefused() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        var stranger = fx.keys.generate("stranger");
        fx.publisher(stranger).publish(TestBundles.bundle("dev.test.a", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        var ex = refused(fx.local(), "dev.test.a");
        assertEquals(Reason.UNKNOWN_KEY, ex.reason());
        assertTrue(ex.getMessage().contains(stranger.keyId()) && ex.getMessage().contains("not a trusted key"), ex.getMessage());
    }

    @Test
    void signatureFromAnotherKeyUnderATrustedKeyIdIsRefused() throws Exception {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        var other = fx.keys.generate("other");
        fx.publisher(other).publish(TestBundles.bundle("dev.test.a", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        Path index = fx.folder.resolve("index.json");
        Files.writeString(index, Files.readString(index).replace(other.keyId(), fx.key.keyId()));
        assertEquals(Reason.BAD_SIGNATURE, refused(fx.local(), "dev.test.a").reason());
    }

    @Test
    void unresolvableImportIsRefusedNamingThePackageAndWhatIsOnOffer() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0")
                        .header("Import-Package", "com.example.missing;version=\"[2.0,3)\",dev.chrysalis.spi.skill;version=\"[2.0,3)\"")
                        .write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        var ex = refused(fx.local(), "dev.test.a");
        assertEquals(Reason.UNRESOLVED, ex.reason());
        assertTrue(ex.getMessage().contains("imports com.example.missing [2.0.0,3.0.0): no installed bundle or host package exports it"),
                ex.getMessage());
        assertTrue(ex.getMessage().contains("imports dev.chrysalis.spi.skill [2.0.0,3.0.0): only 1.0.0 from host on offer"),
                ex.getMessage());
    }

    @Test
    void optionalImportAndActiveRequirementDoNotBlockInstall() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0")
                        .header("Import-Package", "com.example.missing;resolution:=optional")
                        .header("Require-Capability", "x.custom;filter:=\"(x=1)\";effective:=active")
                        .write(tmp.resolve("j")), Publisher.Options.of(TrustTier.COMMUNITY));
        assertTrue(fx.local().install("dev.test.a", Optional.empty(), false, false).applied());
    }

    @Test
    void missingCapabilityNamespaceIsUnresolved() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0")
                        .header("Require-Capability", "x.custom;filter:=\"(x=1)\"").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        var ex = refused(fx.local(), "dev.test.a");
        assertEquals(Reason.UNRESOLVED, ex.reason());
        assertTrue(ex.getMessage().contains("no installed bundle provides namespace x.custom"), ex.getMessage());
    }

    @Test
    void capabilityBeyondWhatTheKeyIsTrustedWithIsRefusedByTheScan() {
        var fx = new DirectoryFixture(tmp, TrustTier.COMMUNITY);
        fx.publisher().publish(TestBundles.bundle("dev.test.env", "1.0.0").header("Chrysalis-Capabilities", "env")
                .cls("dev.test.env.ReadsHome", true).write(tmp.resolve("j")), Publisher.Options.of(TrustTier.VERIFIED));
        var ex = refused(fx.local(), "dev.test.env");
        assertEquals(Reason.CAPABILITY, ex.reason());
        assertTrue(ex.getMessage().contains("under tier community (claims verified, key acme is trusted up to community)"),
                ex.getMessage());
        assertTrue(ex.getMessage().contains("declares env, which its trust tier does not allow"), ex.getMessage());
    }

    @Test
    void publishRefusesCodeThatUsesAnUndeclaredCapability() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        var ex = assertThrows(DirectoryException.class, () -> fx.publisher().publish(TestBundles.bundle("dev.test.env", "1.0.0")
                .cls("dev.test.env.ReadsHome", true).write(tmp.resolve("j")), Publisher.Options.of(TrustTier.VERIFIED)));
        assertTrue(ex.getMessage().contains("undeclared env: dev.test.env.ReadsHome.run()V: calls java.lang.System.getenv()"),
                ex.getMessage());
    }

    @Test
    void republishingAVersionWithADifferentJarIsRefused() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        var ex = assertThrows(DirectoryException.class, () -> fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0")
                .file("extra.txt", "x").write(tmp.resolve("k")), Publisher.Options.of(TrustTier.COMMUNITY)));
        assertTrue(ex.getMessage().contains("dev.test.a 1.0.0 is already published with a different jar"), ex.getMessage());
    }

    @Test
    void unknownBundleAndAlreadyInstalledAreClearErrors() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.a", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        Directory d = fx.local();
        var nf = assertThrows(InstallRefusedException.class, () -> d.install("dev.test.nope", Optional.empty(), false, false));
        assertEquals(Reason.NOT_FOUND, nf.reason());
        d.install("dev.test.a", Optional.empty(), false, false);
        assertEquals(Reason.ALREADY_INSTALLED, assertThrows(InstallRefusedException.class,
                () -> d.install("dev.test.a", Optional.empty(), false, false)).reason());
        assertEquals(Reason.NOT_INSTALLED, assertThrows(InstallRefusedException.class,
                () -> d.upgrade("dev.test.b", Optional.empty(), false, false)).reason());
    }

    @Test
    void untrustedBundleIsTrialledFirstAndRefusedWhenTheTrialFails() {
        var fx = new DirectoryFixture(tmp, TrustTier.UNTRUSTED);
        fx.publisher().publish(TestBundles.bundle("dev.test.u", "1.0.0").write(tmp.resolve("j")),
                Publisher.Options.of(TrustTier.COMMUNITY));
        java.util.List<String> trialled = new java.util.ArrayList<>();
        BundleTrial failing = v -> {
            trialled.add(v.entry().coordinates() + " " + v.tier());
            return new BundleTrial.Outcome.Failed(java.util.List.of("replay case 3: expected 42, got 41"));
        };
        Directory d = new Directory(DirectorySource.of(fx.folder.toString(), java.net.http.HttpClient.newHttpClient()),
                fx.trusted, new dev.chrysalis.directory.install.FolderPluginInstaller(fx.plugins),
                new dev.chrysalis.directory.resolve.Resolver(dev.chrysalis.directory.resolve.BaseEnvironment.chrysalisHost()),
                fx.scanner, TrustTier::defaultCapabilities, DirectoryFixture.CLOCK, Optional.of(failing));
        var ex = refused(d, "dev.test.u");
        assertEquals(Reason.TRIAL_FAILED, ex.reason());
        assertTrue(ex.getMessage().contains("replay case 3: expected 42, got 41"), ex.getMessage());
        assertEquals(java.util.List.of("dev.test.u 1.0.0 untrusted"), trialled, "trialled under the key's capped tier");

        Directory passing = new Directory(d.source(), fx.trusted, d.installer(),
                new dev.chrysalis.directory.resolve.Resolver(dev.chrysalis.directory.resolve.BaseEnvironment.chrysalisHost()),
                fx.scanner, TrustTier::defaultCapabilities, DirectoryFixture.CLOCK,
                Optional.of(v -> new BundleTrial.Outcome.Passed("25/25 replay cases passed")));
        InstallReport r = passing.install("dev.test.u", Optional.empty(), false, false);
        assertEquals(Optional.of("25/25 replay cases passed"), r.trial());
        assertTrue(r.describe().contains("sandbox trial: 25/25 replay cases passed"), r.describe().toString());
    }

    @Test
    void concurrentPublishersIntoOneFolderLoseNoEntry() throws Exception {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        java.util.List<java.nio.file.Path> jars = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jars.add(TestBundles.bundle("dev.test.c" + i, "1.0.0").write(tmp.resolve("j")));
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            var futures = jars.stream().map(j -> pool.submit(() -> fx.publisher().publish(j,
                    Publisher.Options.of(TrustTier.COMMUNITY)))).toList();
            for (var f : futures) {
                f.get();
            }
        }
        var index = fx.local().index();
        assertEquals(6, index.entries().size(), index.toString());
        assertEquals(java.util.List.of(), index.problems());
    }

    @Test
    void requirementWhoseFilterNothingMatchesIsUnresolved() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.future", "1.0.0")
                        .header("Require-Capability", "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=99))\"")
                        .write(tmp.resolve("j")), Publisher.Options.of(TrustTier.COMMUNITY));
        var ex = refused(fx.local(), "dev.test.future");
        assertEquals(Reason.UNRESOLVED, ex.reason());
        assertTrue(ex.getMessage().contains("requires capability osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=99))\": no osgi.ee"
                + " capability matches (on offer: osgi.ee;osgi.ee=\"JavaSE\";version:List<Version>="), ex.getMessage());
    }

    @Test
    void removingTheOnlyProviderOfARequiredCapabilityIsRefusedUnlessForced() {
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        fx.publisher().publish(TestBundles.bundle("dev.test.engine", "1.0.0")
                .header("Provide-Capability", "dev.test.engine;kind=\"fast\";version:Version=\"1.2.0\"")
                .write(tmp.resolve("j")), Publisher.Options.of(TrustTier.COMMUNITY));
        fx.publisher().publish(TestBundles.bundle("dev.test.car", "1.0.0")
                .header("Require-Capability", "dev.test.engine;filter:=\"(&(kind=fast)(version>=1.1))\"")
                .write(tmp.resolve("j")), Publisher.Options.of(TrustTier.COMMUNITY));
        Directory d = fx.local();
        d.install("dev.test.engine", Optional.empty(), false, false);
        InstallReport car = d.install("dev.test.car", Optional.empty(), false, false);
        assertTrue(car.plan().wiring().contains("capability dev.test.engine (&(kind=fast)(version>=1.1)) <- dev.test.engine 1.0.0"),
                car.plan().wiring().toString());
        var ex = assertThrows(InstallRefusedException.class, () -> d.remove("dev.test.engine", false, false));
        assertEquals(Reason.DEPENDENTS, ex.reason());
        assertTrue(ex.getMessage().contains("dev.test.car 1.0.0 requires capability dev.test.engine;filter:=\"(&(kind=fast)"
                + "(version>=1.1))\", which only dev.test.engine 1.0.0 provides"), ex.getMessage());
        InstallReport forced = d.remove("dev.test.engine", true, false);
        assertEquals(java.util.List.of("dev.test.car 1.0.0"), forced.plan().refresh());
    }
}
