package dev.chrysalis.host.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.Role;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.promotion.PromotionState;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.runtime.RuntimeConfig;
import dev.chrysalis.host.shell.HostControl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct-horse-battery";

    @TempDir
    Path tmp;

    private static Path bundlesCopy(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(RuntimeConfig.defaultBundlesDir())) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.copy(p, target.resolve(p.getFileName()));
            }
        }
        return target;
    }

    private static HttpResponse<String> get(HttpClient http, URI uri, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(uri).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(HttpResponse<?> response, String name) {
        for (String set : response.headers().allValues("Set-Cookie")) {
            if (set.startsWith(name + "=")) {
                return set.substring(0, set.indexOf(';') < 0 ? set.length() : set.indexOf(';'));
            }
        }
        throw new AssertionError("no cookie " + name + " in " + response.headers().allValues("Set-Cookie"));
    }

    @Test
    void anonymousIsRefusedASignedInApproverSeesTheApiAndTheDirectoryPageIsServed() throws Exception {
        Path data = tmp.resolve("data");
        try (HostControl host = HostControl.open(HostConfig.of(data, RuntimeConfig.defaultBundlesDir()));
             Governance gov = Governance.open(data, PolicyReader.defaults(), Clock.systemUTC());
             HostServer server = HostServer.start(host, gov, new InetSocketAddress("127.0.0.1", 0),
                     data.resolve("directory").toString(), HostServer.planWithoutTraffic(Duration.ZERO), Clock.systemUTC());
             HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()) {
            gov.accounts().createUser("alice", PASSWORD.toCharArray(), Set.of(Role.APPROVER, Role.ADMIN), "test");
            URI base = server.uri();
            assertTrue(server.port() > 0);

            // anonymous: the API says 401, a page sends you to sign in
            assertEquals(401, get(http, base.resolve("governance/api/me")).statusCode());
            HttpResponse<String> page = get(http, base.resolve("governance/candidates"));
            assertEquals(303, page.statusCode());
            assertEquals("/governance/login", page.headers().firstValue("Location").orElseThrow());
            assertEquals(302, get(http, base).statusCode());

            // sign in through the form: its CSRF token comes with the login cookie
            HttpResponse<String> login = get(http, base.resolve("governance/login"));
            assertEquals(200, login.statusCode());
            Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(login.body());
            assertTrue(csrf.find(), login.body());
            String form = "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&user=alice&password="
                    + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(base.resolve("governance/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie(login, "chrysalis_login"))
                    .POST(HttpRequest.BodyPublishers.ofString(form.replace("battery", "staple"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode(), wrong.body());
            login = get(http, base.resolve("governance/login"));
            csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(login.body());
            assertTrue(csrf.find());
            form = "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&user=alice&password="
                    + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
            HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(base.resolve("governance/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie(login, "chrysalis_login"))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, signedIn.statusCode(), signedIn.body());
            String session = cookie(signedIn, "chrysalis_session");
            HttpResponse<String> me = get(http, base.resolve("governance/api/me"), "Cookie", session);
            assertEquals(200, me.statusCode(), me.body());
            assertEquals("alice", JSON.readTree(me.body()).path("user").asText(), me.body());
            HttpResponse<String> candidates = get(http, base.resolve("governance/candidates"), "Cookie", session);
            assertEquals(200, candidates.statusCode());
            assertTrue(candidates.body().contains("alice"), candidates.body());

            // an API token works without a session; a wrong one does not
            String token = gov.accounts().issueToken("alice", "test");
            assertEquals(200, get(http, base.resolve("governance/api/me"), "Authorization", "Bearer " + token).statusCode());
            assertEquals(401, get(http, base.resolve("governance/api/me"), "Authorization", "Bearer nope").statusCode());

            // the directory page: an empty directory before anything is published
            HttpResponse<String> directory = get(http, base.resolve("directory?q=calc"));
            assertEquals(200, directory.statusCode(), directory.body());
            assertTrue(directory.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            assertEquals(404, get(http, base.resolve("nothing-here")).statusCode());
        }
    }

    @Test
    void anApprovalThroughTheApiPromotesTheCandidateByAHotSwapOfTheLivePlugin() throws Exception {
        Path data = tmp.resolve("data");
        Path bundles = bundlesCopy(tmp.resolve("bundles"));
        Path v1 = BenchBundles.write(bundles, "1.0.0");
        Files.createDirectories(tmp.resolve("next"));
        Path v2 = BenchBundles.write(tmp.resolve("next"), "1.0.1");
        try (HostControl host = HostControl.open(HostConfig.of(data, bundles));
             Governance gov = Governance.open(data, PolicyReader.defaults(), Clock.systemUTC());
             HostServer server = HostServer.start(host, gov, new InetSocketAddress("127.0.0.1", 0),
                     data.resolve("directory").toString(), HostServer.planWithoutTraffic(Duration.ZERO), Clock.systemUTC());
             HttpClient http = HttpClient.newHttpClient()) {
            String before = host.plugins().plugin(BenchBundles.SYMBOLIC_NAME).orElseThrow().digest();
            gov.accounts().createUser("alice", PASSWORD.toCharArray(), Set.of(Role.APPROVER), "test");
            Governance.Proposal proposal = gov.propose(v2, Optional.of(v1), "bob", Optional.empty());
            String digest = proposal.submission().digest();
            assertTrue(!digest.equals(before));
            if (proposal.decision() instanceof Decision.Refused refused) {
                throw new AssertionError("policy refused the echo skill: " + refused);
            }
            String token = gov.accounts().issueToken("alice", "test");
            HttpResponse<String> approved = http.send(HttpRequest.newBuilder(
                            server.uri().resolve("governance/api/candidates/" + proposal.submission().id() + "/approve"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"digest\":\"" + digest + "\",\"reason\":\"reviewed\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, approved.statusCode(), approved.body());
            JsonNode body = JSON.readTree(approved.body());
            assertTrue(body.path("promotionError").isMissingNode(), approved.body());

            // the swap happened in this host's runtime; probation of zero ends at the next tick
            assertEquals(digest, host.plugins().plugin(BenchBundles.SYMBOLIC_NAME).orElseThrow().digest());
            server.promotions().tick();
            assertEquals(PromotionState.PROMOTED, server.promotions().status(BenchBundles.SYMBOLIC_NAME).orElseThrow().state());
            assertTrue(gov.audit().verify() instanceof dev.chrysalis.governance.audit.AuditVerification.Intact, gov.audit().verify().toString());
        }
        // durable: a restarted host serves the promoted version, and recovery finds nothing to repair
        try (HostControl host = HostControl.open(HostConfig.of(data, bundles));
             Governance gov = Governance.open(data, PolicyReader.defaults(), Clock.systemUTC());
             HostServer server = HostServer.start(host, gov, new InetSocketAddress("127.0.0.1", 0),
                     data.resolve("directory").toString(), HostServer.planWithoutTraffic(Duration.ZERO), Clock.systemUTC())) {
            String live = host.plugins().plugin(BenchBundles.SYMBOLIC_NAME).orElseThrow().digest();
            assertEquals(dev.chrysalis.governance.policy.BundleJar.read(v2).digest(), live);
            assertTrue(server.recovered().stream().noneMatch(r -> r.repaired()), server.recovered().toString());

            // the switch itself: refusals name the problem; a swap back finds the old jar among the runtime's stored jars
            var liveSwitch = new RuntimeLiveSwitch(host.plugins(), java.util.List.of(data.resolve("governance").resolve("artifacts")));
            var wrongDigest = org.junit.jupiter.api.Assertions.assertThrows(dev.chrysalis.governance.promotion.SwitchException.class,
                    () -> liveSwitch.stage(BenchBundles.SYMBOLIC_NAME, "0".repeat(64), v2));
            assertTrue(wrongDigest.getMessage().contains("has SHA-256 " + liveSwitch.liveDigest(BenchBundles.SYMBOLIC_NAME).orElseThrow()),
                    wrongDigest.getMessage());
            var unknown = org.junit.jupiter.api.Assertions.assertThrows(dev.chrysalis.governance.promotion.SwitchException.class,
                    () -> liveSwitch.swapTo(BenchBundles.SYMBOLIC_NAME, "f".repeat(64)));
            assertTrue(unknown.getMessage().contains("no jar with that SHA-256"), unknown.getMessage());
            org.junit.jupiter.api.Assertions.assertThrows(dev.chrysalis.governance.promotion.SwitchException.class,
                    () -> liveSwitch.uninstall(BenchBundles.SYMBOLIC_NAME));
            liveSwitch.uninstall("no.such.plugin");
            String v1Digest = dev.chrysalis.governance.policy.BundleJar.read(v1).digest();
            liveSwitch.swapTo(BenchBundles.SYMBOLIC_NAME, v1Digest);
            assertEquals(v1Digest, host.plugins().plugin(BenchBundles.SYMBOLIC_NAME).orElseThrow().digest());
            liveSwitch.swapTo(BenchBundles.SYMBOLIC_NAME, v1Digest); // idempotent
        }
    }
}
