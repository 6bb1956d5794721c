package dev.chrysalis.governance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.testing.TestJars;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GovernanceCliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = GovernanceCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final String V1 = "package g; public class Greet { public String hi(String n) { return \"hi \" + n; } }";
    static final String V2 = "package g; public class Greet { public String hi(String n) { return \"hello \" + n; } }";
    static final String V2_ENV = "package g; public class Greet { public String hi(String n) { return System.getenv(\"USER\") + n; } }";

    @Test
    void policyCheckExplainsAutoPromotionAndRefusal() throws Exception {
        Path v1 = TestJars.write(dir, "v1.jar", TestJars.bundle("dev.chrysalis.skill.greet", "", Map.of("g.Greet", V1)));
        Path v2 = TestJars.write(dir, "v2.jar", TestJars.bundle("dev.chrysalis.skill.greet", "", Map.of("g.Greet", V2)));
        Path bad = TestJars.write(dir, "bad.jar", TestJars.bundle("dev.chrysalis.skill.greet", "", Map.of("g.Greet", V2_ENV)));

        Path trial = Files.writeString(dir.resolve("trial.json"), "{\"verdict\":\"pass\",\"cases\":[{\"id\":\"hi\",\"outcome\":\"pass\"}]}");
        Result auto = cli("policy", "check", v2.toString(), "--baseline", v1.toString(), "--trial", trial.toString());
        assertEquals(GovernanceCli.OK, auto.code(), auto.out() + auto.err());
        assertTrue(auto.out().startsWith("AUTO-PROMOTE: dev.chrysalis.skill.greet "), auto.out());
        assertTrue(auto.out().contains("g/Greet.java +1 -1"), auto.out());

        Result refused = cli("policy", "check", bad.toString(), "--baseline", v1.toString());
        assertEquals(GovernanceCli.REFUSED, refused.code(), refused.out());
        assertTrue(refused.out().contains("undeclared env: g.Greet.hi(Ljava/lang/String;)Ljava/lang/String; line 1: calls java.lang.System.getenv()"),
                refused.out());

        Result first = cli("policy", "check", v1.toString());
        assertEquals(GovernanceCli.ATTENTION, first.code());
        assertTrue(first.out().contains("first install needs a person"), first.out());
    }

    @Test
    void policyCheckReportsBadInputByName() throws Exception {
        Path policy = Files.writeString(dir.resolve("p.yaml"), "limits:\n  max-lines-changed: lots\n");
        Path v1 = TestJars.write(dir, "v1.jar", TestJars.bundle("dev.chrysalis.skill.greet", "", Map.of("g.Greet", V1)));
        Result r = cli("policy", "check", v1.toString(), "--policy", policy.toString());
        assertEquals(GovernanceCli.ERROR, r.code());
        assertEquals("error: " + policy + " line 2: key 'limits.max-lines-changed': expected a whole number >= 0, got 'lots'\n", r.err());

        assertEquals("error: CANDIDATE.jar: no such file " + dir.resolve("nope.jar").toAbsolutePath() + "\n",
                cli("policy", "check", dir.resolve("nope.jar").toString()).err());
        assertEquals("error: unknown option --colour (allowed: --policy, --baseline, --proposer, --trial)\n",
                cli("policy", "check", v1.toString(), "--colour", "red").err());
        Path notJar = Files.writeString(dir.resolve("x.jar"), "hello");
        assertTrue(cli("policy", "check", notJar.toString()).err().startsWith("error: " + notJar + ": jar has no META-INF/MANIFEST.MF"));
        assertEquals(GovernanceCli.ERROR, cli("frobnicate").code());
    }

    @Test
    void auditVerifySaysIntactOrNamesTheBrokenRows() throws Exception {
        assertTrue(cli("audit", "verify", "--data-dir", dir.toString()).err().startsWith("error: no governance database under"));
        try (var db = GovernanceDatabase.open(dir)) {
            var log = new AuditLog(db, Clock.systemUTC());
            for (int i = 0; i < 3; i++) {
                log.append("alice", "test", "x@" + i, "");
            }
        }
        Result ok = cli("audit", "verify", "--data-dir", dir.toString());
        assertEquals(GovernanceCli.OK, ok.code(), ok.err());
        assertTrue(ok.out().startsWith("audit log intact: 3 rows, head "), ok.out());

        try (var db = GovernanceDatabase.open(dir); Connection c = db.connection(); var s = c.createStatement()) {
            s.execute("DROP TRIGGER audit_log_append_only");
            s.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 2");
        }
        Result broken = cli("audit", "verify", "--data-dir", dir.toString());
        assertEquals(GovernanceCli.ATTENTION, broken.code());
        assertEquals("audit log BROKEN: 3 rows, 1 problem(s)\n  row 2: content does not match its stored hash (edited)\n", broken.out());
        assertTrue(cli("audit", "log", "--data-dir", dir.toString()).out().contains("2  "), "log lists rows");
    }

    @Test
    void usersAreAddedFromAPasswordFileAndGetTokens() throws Exception {
        Path pw = Files.writeString(dir.resolve("pw.txt"), "a-long-password-1\n");
        Result added = cli("user", "add", "dana", "--role", "approver,admin", "--password-file", pw.toString(), "--data-dir", dir.toString());
        assertEquals(GovernanceCli.OK, added.code(), added.err());
        assertEquals("created user dana with roles [approver, admin]\n", added.out());
        assertEquals("error: user 'dana' already exists\n",
                cli("user", "add", "dana", "--role", "admin", "--password-file", pw.toString(), "--data-dir", dir.toString()).err());
        assertEquals("error: unknown role 'boss' (proposer, approver, admin)\n",
                cli("user", "add", "erin", "--role", "boss", "--password-file", pw.toString(), "--data-dir", dir.toString()).err());
        Result token = cli("user", "token", "dana", "--data-dir", dir.toString());
        assertTrue(token.out().startsWith("chr_"), token.out());
        assertEquals("dana  [approver, admin]\n", cli("user", "list", "--data-dir", dir.toString()).out());
        Result audit = cli("audit", "log", "--data-dir", dir.toString());
        assertTrue(audit.out().contains("bootstrap  account.created  user:dana"), audit.out());
    }

    @Test
    void policyScanJudgesEveryInstalledBundle() {
        Path ok = TestJars.write(dir, "ok.jar", TestJars.bundle("dev.chrysalis.skill.greet", "", Map.of("g.Greet", V1)));
        Path bad = TestJars.write(dir, "bad.jar", TestJars.bundle("dev.chrysalis.skill.env", "", Map.of("g.Greet", V2_ENV)));
        Result r = cli("policy", "scan", ok.toString(), bad.toString());
        assertEquals(GovernanceCli.REFUSED, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("SAFE   dev.chrysalis.skill.greet (verified) declares {}, uses {}"), r.out());
        assertTrue(r.out().contains("UNSAFE dev.chrysalis.skill.env (verified) declares {}, uses {env}"), r.out());
        assertTrue(r.out().contains("    undeclared env: g.Greet.hi("), r.out());
        assertEquals(GovernanceCli.OK, cli("policy", "scan", ok.toString()).code());
        Path notBundle = TestJars.write(dir, "plain.jar", TestJars.jar(Map.of(), Map.of()));
        Result mixed = cli("policy", "scan", notBundle.toString(), ok.toString());
        assertEquals(GovernanceCli.REFUSED, mixed.code());
        assertTrue(mixed.out().startsWith("ERROR  " + notBundle + ": manifest has no Bundle-SymbolicName\nSAFE   "), mixed.out());
    }
}
