package dev.chrysalis.governance.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.approval.Role;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.testing.TestJars;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GovernanceWebTest {
    static final String PLUGIN = "dev.chrysalis.skill.banner";
    @TempDir
    static Path dir;
    static Governance gov;
    static GovernanceWebServer server;
    static String base;
    static int version;
    static String bobToken;

    /** What a host would report: the banner skill failing more often for a while, and a plugin with a hostile name. */
    static final FailureHistory HISTORY = (from, to, bucket) -> {
        var out = new java.util.ArrayList<FailureHistory.Sample>();
        for (long t = from.getEpochSecond(); t < to.getEpochSecond(); t += bucket) {
            long n = (t - from.getEpochSecond()) / bucket;
            out.add(new FailureHistory.Sample(PLUGIN, java.time.Instant.ofEpochSecond(t), 100, n % 5 == 0 ? 30 : 2));
        }
        out.add(new FailureHistory.Sample("evil<script>alert(2)</script>", from, 10, 1));
        return out;
    };

    @BeforeAll
    static void start() {
        gov = Governance.open(dir.resolve("data"), PolicyReader.defaults(), Clock.systemUTC());
        gov.accounts().createUser("alice", "alice-password-1".toCharArray(), Set.of(Role.PROPOSER), "bootstrap");
        gov.accounts().createUser("bob", "bob-password-123".toCharArray(), Set.of(Role.APPROVER), "bootstrap");
        gov.accounts().createUser("carol", "carol-password-1".toCharArray(), Set.of(Role.ADMIN), "bootstrap");
        bobToken = gov.accounts().issueToken("bob", "tests");
        var web = new GovernanceWeb(gov.accounts(), gov.approvals(), gov.audit(), List::of, (sub, approval) -> {
                    if (approval.reason().equals("start fails")) {
                        throw new dev.chrysalis.governance.promotion.PromotionException(sub.plugin() + " already has a promotion in progress");
                    }
                }, HISTORY,
                Clock.systemUTC(), new SecureRandom(), false);
        server = GovernanceWebServer.start(new InetSocketAddress("127.0.0.1", 0), web, "/governance");
        base = "http://127.0.0.1:" + server.port() + "/governance";
    }

    @AfterAll
    static void stop() {
        server.close();
        gov.close();
    }

    /** A pending candidate (first install: always needs a person) whose source holds a script tag. */
    static Submission pending(String proposer) throws Exception {
        version++;
        String src = "package b; public class Banner { public String html() { return \"<script>alert('v" + version + "')</script>\"; } }";
        Path jar = TestJars.write(dir, "banner-" + version + ".jar", TestJars.bundle(PLUGIN, "", Map.of("b.Banner", src)));
        var p = gov.propose(jar, Optional.empty(), proposer, Optional.empty());
        return p.submission();
    }

    WebClient signedIn(String user, String password) {
        var c = new WebClient(base);
        assertEquals(303, c.signIn(user, password));
        return c;
    }

    @Test
    void everyPageAndApiCallRefusesAnonymousAccess() throws Exception {
        Submission s = pending("alice");
        var anon = new WebClient(base);
        for (String page : List.of("/", "/candidates", "/candidates/" + s.id(), "/promotions", "/audit", "/history", "/nope")) {
            HttpResponse<String> r = anon.get(page);
            assertEquals(303, r.statusCode(), page);
            assertEquals("/governance/login", r.headers().firstValue("Location").orElseThrow(), page);
            assertFalse(r.body().contains(PLUGIN), page);
        }
        for (String api : List.of("/api/me", "/api/candidates", "/api/candidates/" + s.id(), "/api/promotions", "/api/audit", "/api/history")) {
            assertEquals(401, anon.get(api).statusCode(), api);
        }
        assertEquals(401, anon.postJson("/api/candidates/" + s.id() + "/approve", "{\"digest\":\"" + s.digest() + "\"}", Map.of()).statusCode());
        assertEquals(303, anon.post("/candidates/" + s.id() + "/approve", Map.of("digest", s.digest())).statusCode());
        assertEquals(401, anon.getWith("/api/candidates", Map.of("Authorization", "Bearer chr_forged")).statusCode());
        assertEquals(CandidateStatus.PENDING, gov.approvals().submission(s.id()).orElseThrow().status());
    }

    @Test
    void signInSetsAnHttpOnlySameSiteCookieAndWrongPasswordsAreRefused() {
        var c = new WebClient(base);
        String token = WebClient.csrf(c.get("/login").body());
        assertEquals(401, c.post("/login", Map.of("csrf", token, "user", "bob", "password", "wrong-password!")).statusCode());
        String token2 = WebClient.csrf(c.get("/login").body());
        HttpResponse<String> ok = c.post("/login", Map.of("csrf", token2, "user", "bob", "password", "bob-password-123"));
        assertEquals(303, ok.statusCode());
        String cookie = ok.headers().allValues("Set-Cookie").stream().filter(x -> x.startsWith("chrysalis_session=")).findFirst().orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/governance"), cookie);
        assertEquals(200, c.get("/candidates").statusCode());
        var noToken = new WebClient(base);
        noToken.get("/login");
        assertEquals(403, noToken.post("/login", Map.of("csrf", "guess", "user", "bob", "password", "bob-password-123")).statusCode(),
                "login form without its token");
    }

    @Test
    void repeatedWrongPasswordsLockTheUserOutForAWhile() throws Exception {
        gov.accounts().createUser("erin", "erin-password-12".toCharArray(), Set.of(Role.APPROVER), "carol");
        var c = new WebClient(base);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, c.signIn("erin", "guess-" + i));
        }
        assertEquals(429, c.signIn("erin", "erin-password-12"), "locked even with the right password");
        assertEquals("web.sign-in-throttled", gov.audit().latest(1).getFirst().kind());
        assertEquals(303, new WebClient(base).signIn("bob", "bob-password-123"), "other users are not affected");
    }

    @Test
    void historyPlotsFailureRatesWithPromotionMarkersAndEscapesNames() throws Exception {
        gov.audit().append("promotion-controller", "promotion.promoted", PLUGIN + "@" + "a".repeat(64), "probation passed");
        var bob = signedIn("bob", "bob-password-123");
        HttpResponse<String> page = bob.get("/history?days=2");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<svg class=\"chart\"") && page.body().contains("<polyline"), page.body());
        assertTrue(page.body().contains("class=\"marker-promoted\""), "promotion marker drawn");
        assertFalse(page.body().contains("<script"), "hostile plugin names are escaped");
        assertTrue(page.body().contains("evil&lt;script&gt;"));
        assertEquals(400, bob.get("/history?days=lots").statusCode());
        var api = new WebClient(base).getWith("/api/history?days=2", Map.of("Authorization", "Bearer " + bobToken));
        assertEquals(200, api.statusCode());
        assertTrue(api.body().contains("\"kind\":\"promoted\"") && api.body().contains("\"failures\":30"), api.body());
    }

    @Test
    void scriptInADiffIsRenderedInert() throws Exception {
        Submission s = pending("alice");
        var bob = signedIn("bob", "bob-password-123");
        HttpResponse<String> page = bob.get("/candidates/" + s.id());
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("<script"), "no live script tag anywhere");
        assertTrue(page.body().contains("&lt;script&gt;alert(&#39;v"), "the diff shows the text");
        assertTrue(page.body().contains("<span id=\"risk\" class=\"\">medium: not tried in the sandbox; first install</span>"), page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.startsWith("default-src 'none'") && !csp.contains("script-src"), csp);
    }

    @Test
    void csrfWithoutOrWithAWrongTokenIsRefused() throws Exception {
        Submission s = pending("alice");
        var bob = signedIn("bob", "bob-password-123");
        assertEquals(403, bob.post("/candidates/" + s.id() + "/approve", Map.of("digest", s.digest(), "reason", "x")).statusCode());
        assertEquals(403, bob.post("/candidates/" + s.id() + "/approve", Map.of("digest", s.digest(), "csrf", "forged")).statusCode());
        assertEquals(403, bob.postJson("/api/candidates/" + s.id() + "/approve", "{\"digest\":\"" + s.digest() + "\"}", Map.of()).statusCode());
        assertEquals(CandidateStatus.PENDING, gov.approvals().submission(s.id()).orElseThrow().status());
        assertEquals("web.csrf-refused", gov.audit().latest(1).getFirst().kind());
    }

    @Test
    void approveThroughTheFormRecordsTheApprover() throws Exception {
        Submission s = pending("alice");
        var bob = signedIn("bob", "bob-password-123");
        String csrf = WebClient.csrf(bob.get("/candidates/" + s.id()).body());
        HttpResponse<String> r = bob.post("/candidates/" + s.id() + "/approve", Map.of("csrf", csrf, "digest", s.digest(), "reason", "reviewed"));
        assertEquals(303, r.statusCode(), r.body());
        assertEquals(CandidateStatus.APPROVED, gov.approvals().submission(s.id()).orElseThrow().status());
        String page = bob.get("/candidates/" + s.id() + "?done=approved").body();
        assertTrue(page.contains("bob approved at") && page.contains("reviewed"), page);
    }

    @Test
    void anApprovalWhosePromotionCannotStartSaysSo() throws Exception {
        Submission s = pending("alice");
        var bob = signedIn("bob", "bob-password-123");
        String csrf = WebClient.csrf(bob.get("/candidates/" + s.id()).body());
        HttpResponse<String> r = bob.post("/candidates/" + s.id() + "/approve", Map.of("csrf", csrf, "digest", s.digest(), "reason", "start fails"));
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("Approved, but the promotion did not start: " + PLUGIN + " already has a promotion in progress"), r.body());
        assertEquals(CandidateStatus.APPROVED, gov.approvals().submission(s.id()).orElseThrow().status());
    }

    @Test
    void selfApprovalIsRefused() throws Exception {
        Submission s = pending("carol");
        var carol = signedIn("carol", "carol-password-1");
        String csrf = WebClient.csrf(carol.get("/candidates/" + s.id()).body());
        HttpResponse<String> r = carol.post("/candidates/" + s.id() + "/approve", Map.of("csrf", csrf, "digest", s.digest()));
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("user &#39;carol&#39; proposed"), r.body());
        var alice = signedIn("alice", "alice-password-1");
        String csrfA = WebClient.csrf(alice.get("/candidates/" + s.id()).body());
        assertEquals(403, alice.post("/candidates/" + s.id() + "/approve", Map.of("csrf", csrfA, "digest", s.digest())).statusCode(),
                "a proposer-only user approves nothing");
        assertEquals(CandidateStatus.PENDING, gov.approvals().submission(s.id()).orElseThrow().status());
    }

    @Test
    void anApprovalReplayedOnAChangedDigestIsRefused() throws Exception {
        Submission first = pending("alice");
        Submission second = pending("alice");
        var bob = signedIn("bob", "bob-password-123");
        String csrf = WebClient.csrf(bob.get("/candidates/" + second.id()).body());
        // the digest reviewed on one candidate, replayed against another
        HttpResponse<String> r = bob.post("/candidates/" + second.id() + "/approve", Map.of("csrf", csrf, "digest", first.digest()));
        assertEquals(409, r.statusCode());
        // the artifact's bytes changed after review
        Files.write(second.artifact(), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        HttpResponse<String> r2 = bob.post("/candidates/" + second.id() + "/approve", Map.of("csrf", csrf, "digest", second.digest()));
        assertEquals(409, r2.statusCode());
        assertTrue(r2.body().contains("changed since it was submitted"), r2.body());
        assertEquals(CandidateStatus.PENDING, gov.approvals().submission(second.id()).orElseThrow().status());
    }

    @Test
    void jsonApiWorksWithABearerTokenAndWithASessionPlusCsrfHeader() throws Exception {
        Submission s = pending("alice");
        var api = new WebClient(base);
        var auth = Map.of("Authorization", "Bearer " + bobToken);
        HttpResponse<String> list = api.getWith("/api/candidates", auth);
        assertEquals(200, list.statusCode());
        assertTrue(list.body().contains(s.digest()));
        HttpResponse<String> one = api.getWith("/api/candidates/" + s.id(), auth);
        assertTrue(one.body().contains("\"diff\":"), one.body());
        assertEquals(400, api.postJson("/api/candidates/" + s.id() + "/reject", "[1]", auth).statusCode());
        HttpResponse<String> rejected = api.postJson("/api/candidates/" + s.id() + "/reject",
                "{\"digest\":\"" + s.digest() + "\",\"reason\":\"not now\"}", auth);
        assertEquals(200, rejected.statusCode(), rejected.body());
        assertTrue(rejected.body().contains("\"status\":\"rejected\""));

        Submission t = pending("alice");
        var carol = signedIn("carol", "carol-password-1");
        String csrf = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(carol.get("/api/me").body()).get("csrf").asText();
        HttpResponse<String> ok = carol.postJson("/api/candidates/" + t.id() + "/approve", "{\"digest\":\"" + t.digest() + "\"}",
                Map.of("X-CSRF-Token", csrf));
        assertEquals(200, ok.statusCode(), ok.body());
        HttpResponse<String> audit = api.getWith("/api/audit?limit=5", auth);
        assertTrue(audit.body().contains("\"intact\":true"), audit.body());
    }
}
