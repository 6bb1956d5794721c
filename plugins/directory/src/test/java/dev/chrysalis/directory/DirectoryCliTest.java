package dev.chrysalis.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.directory.cli.DirectoryCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCliTest {
    @TempDir
    Path tmp;

    private record Result(int status, String out, String err) {
    }

    private Result cli(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = tmp.resolve("home").toString();
        try (HttpClient http = HttpClient.newHttpClient()) {
            int status = new DirectoryCli(DirectoryFixture.CLOCK, http).execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), all);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void keygenPublishSearchInstallVerifyRemoveFromTheCommandLine() throws Exception {
        Path jar = TestBundles.bundle("dev.test.cli", "1.0.0").file("SKILL.md", "# cli\n\nPrints lines nicely.\n")
                .write(tmp.resolve("jars"));
        assertEquals(0, cli("keygen", "publisher", "--trust", "--tier", "verified").status());
        Result pub = cli("publish", jar.toString(), "--tier", "community", "--pass-rate", "0.9", "--lineage", "ev-1, ev-2");
        assertEquals(0, pub.status(), pub.err());
        assertTrue(pub.out().startsWith("published dev.test.cli 1.0.0 [community]"), pub.out());

        Result search = cli("search", "nicely");
        assertTrue(search.out().contains("dev.test.cli") && search.out().contains("Prints lines nicely."), search.out());
        Result show = cli("show", "dev.test.cli");
        assertTrue(show.out().contains("90.0% passed") && show.out().contains("lineage ev-1, ev-2"), show.out());
        Result verify = cli("verify");
        assertEquals(0, verify.status(), verify.out());
        assertTrue(verify.out().contains("OK      dev.test.cli 1.0.0 signed by publisher"), verify.out());

        Result dry = cli("install", "dev.test.cli", "--dry-run");
        assertTrue(dry.out().startsWith("(dry run) install dev.test.cli 1.0.0 [tier community]"), dry.out());
        assertEquals(0, cli("install", "dev.test.cli").status());
        assertTrue(cli("installed").out().startsWith("dev.test.cli 1.0.0  [community]"));
        Result again = cli("install", "dev.test.cli");
        assertEquals(1, again.status());
        assertTrue(again.err().startsWith("refused (already-installed): dev.test.cli 1.0.0 is already installed"), again.err());
        assertTrue(cli("repository").out().contains("<repository xmlns=\"http://www.osgi.org/xmlns/repository/v1.0.0\""));

        Path jarInDir = tmp.resolve("home/directory/bundles/dev.test.cli-1.0.0.jar");
        byte[] b = Files.readAllBytes(jarInDir);
        b[b.length - 30] ^= 1;
        Files.write(jarInDir, b);
        Result tampered = cli("verify", "dev.test.cli");
        assertEquals(1, tampered.status());
        assertTrue(tampered.out().contains("FAILED  dev.test.cli 1.0.0 (hash_mismatch)"), tampered.out());

        assertEquals(0, cli("remove", "dev.test.cli").status());
        assertTrue(cli("installed").out().contains("nothing installed"));
    }

    @Test
    void badUsageExitsTwoWithTheProblem() {
        Result r = cli("install");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("install: missing bundle id"), r.err());
        Result o = cli("search", "--bogus");
        assertEquals(2, o.status());
        assertTrue(o.err().contains("unknown option --bogus"), o.err());
        assertEquals(2, cli("frobnicate").status());
        Result t = cli("publish", "x.jar", "--tier", "godlike");
        assertEquals(2, t.status());
        assertTrue(t.err().contains("--tier 'godlike' is not"), t.err());
    }
}
