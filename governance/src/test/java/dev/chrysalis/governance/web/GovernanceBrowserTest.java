package dev.chrysalis.governance.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.approval.Role;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.policy.Decision;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.promotion.PromotionController;
import dev.chrysalis.governance.promotion.PromotionPlan;
import dev.chrysalis.governance.promotion.PromotionState;
import dev.chrysalis.governance.promotion.StepListener;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.governance.testing.Chromium;
import dev.chrysalis.governance.testing.GovernanceFixture;
import dev.chrysalis.governance.testing.SimulatedHost;
import dev.chrysalis.governance.testing.TestJars;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval flow in real headless Chromium: sign in, see pending candidates, approve one and watch it promoted, reject another. */
class GovernanceBrowserTest {
    static final String PLUGIN = "dev.chrysalis.skill.shout";

    @TempDir
    Path dir;

    @Test
    void signInApproveSeeItPromotedAndRejectAnother() throws Exception {
        Optional<Path> chromium = Chromium.binary();
        Assumptions.assumeTrue(chromium.isPresent(), "Chromium is not installed and could not be installed (apt-get install chromium chromium-driver)");

        // plugins of this name are community tier here, so every change needs a person
        var policy = PolicyReader.parse("plugins:\n  dev.chrysalis.skill.shout:\n    tier: community\n", "browser-test.yaml");
        try (Governance gov = Governance.open(dir.resolve("data"), policy, Clock.systemUTC())) {
            gov.accounts().createUser("bob", "bob-password-123".toCharArray(), Set.of(Role.APPROVER), "bootstrap");
            Path v1 = TestJars.write(dir, "v1.jar", TestJars.bundle(PLUGIN, "", Map.of("s.Shout",
                    "package s; public class Shout { public String run(String x) { return x.toUpperCase(); } }")));
            Path v2 = TestJars.write(dir, "v2.jar", TestJars.bundle(PLUGIN, "", Map.of("s.Shout",
                    "package s; public class Shout { public String run(String x) { return x.toUpperCase(java.util.Locale.ROOT); } }")));
            Path v3 = TestJars.write(dir, "v3.jar", TestJars.bundle(PLUGIN, "", Map.of("s.Shout",
                    "package s; public class Shout { public String run(String x) { return \"<script>alert(1)</script>\" + x; } }")));
            var good = gov.propose(v2, Optional.of(v1), "evolution", Optional.of(GovernanceFixture.passingTrial()));
            var bad = gov.propose(v3, Optional.of(v1), "evolution", Optional.of(new TrialReport(TrialReport.Verdict.FAIL,
                    List.of(new TrialReport.CaseResult("upper", "fail", "expected \"HI\", got \"<script>alert(1)</script>hi\"")))));
            assertTrue(good.decision() instanceof Decision.NeedsHuman && bad.decision() instanceof Decision.NeedsHuman);
            String d1 = dev.chrysalis.governance.policy.BundleJar.read(v1).digest();

            var host = new SimulatedHost(dir.resolve("host-live.properties"),
                    Map.of(d1, s -> s.toUpperCase(), good.candidate().digest(), s -> s.toUpperCase(), bad.candidate().digest(), s -> s));
            host.install(PLUGIN, d1);
            PromotionController promotions = gov.promotions(new PromotionPlan(5, 0.2, 50, 5, 10, Duration.ZERO, 3, 0.1, 0.2, 3, 0.5),
                    host, host, StepListener.NONE);
            AtomicReference<Thread> traffic = new AtomicReference<>();
            var web = new GovernanceWeb(gov.accounts(), gov.approvals(), gov.audit(), promotions::statuses, (submission, approval) -> {
                promotions.start(submission.plugin(), submission.artifact(), approval.approver());
                traffic.set(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 500 && !promotions.status(PLUGIN).orElseThrow().state().terminal(); i++) {
                        host.call(PLUGIN, "session-" + (i % 5), "hello " + i);
                    }
                }));
            }, FailureHistory.NONE, Clock.systemUTC(), new SecureRandom(), false);

            try (var server = GovernanceWebServer.start(new InetSocketAddress("127.0.0.1", 0), web, "/governance");
                 var browser = new Chromium(chromium.get(), dir.resolve("profile"))) {
                String base = "http://127.0.0.1:" + server.port() + "/governance";

                browser.navigate(base + "/candidates");
                assertTrue(browser.url().endsWith("/governance/login"), "anonymous visitors land on the sign-in page: " + browser.url());
                browser.type("user", "bob");
                browser.type("password", "bob-password-123");
                browser.clickAndWait("sign-in");
                assertTrue(browser.url().endsWith("/governance/candidates"), browser.url());
                assertEquals("bob", browser.text("#who"));
                assertFalse(browser.eval("document.cookie").contains("chrysalis_session"), "the session cookie is HttpOnly");
                String pendingTable = browser.text("#pending");
                assertTrue(pendingTable.contains(good.candidate().digest().substring(0, 12))
                        && pendingTable.contains(bad.candidate().digest().substring(0, 12)), pendingTable);

                Submission goodSub = good.submission();
                browser.navigate(base + "/candidates/" + goodSub.id());
                assertTrue(browser.text("#diff").contains("toUpperCase(java.util.Locale.ROOT)"), browser.text("#diff"));
                assertTrue(browser.text("#trial").startsWith("Verdict pass: 2 cases, 0 not passing"), browser.text("#trial"));
                browser.type("approve-reason", "locale-independent upper case");
                browser.clickAndWait("approve");
                assertEquals("Approved.", browser.text("#notice"));

                Chromium.waitUntil(() -> promotions.status(PLUGIN).map(s -> s.state().terminal()).orElse(false), Duration.ofSeconds(20));
                browser.navigate(base + "/promotions");
                assertEquals("promoted", browser.text("#promotions td.state"), browser.text("#promotions"));
                assertEquals(good.candidate().digest(), host.liveDigest(PLUGIN).orElseThrow());

                browser.navigate(base + "/candidates/" + bad.submission().id());
                assertEquals("0", browser.eval("String(document.querySelectorAll('script').length)"), "the script in the diff stays text");
                assertTrue(browser.text("#diff").contains("<script>alert(1)</script>"), "and is shown as text");
                assertTrue(browser.text("#trial").startsWith("Verdict fail: 1 cases, 1 not passing"), browser.text("#trial"));
                assertEquals("high: trial fail (1 of 1 cases)", browser.text("#risk"));
                assertTrue(browser.text("#trial-cases").contains("got \"<script>alert(1)</script>hi\""), browser.text("#trial-cases"));
                browser.type("reject-reason", "prepends markup to every answer");
                browser.clickAndWait("reject");
                assertEquals("Rejected.", browser.text("#notice"));
                assertEquals("rejected", browser.text("#status"));
                assertEquals(CandidateStatus.REJECTED, gov.approvals().submission(bad.submission().id()).orElseThrow().status());

                browser.navigate(base + "/history");
                assertEquals("1", browser.eval("String(document.querySelectorAll('line.marker-promoted').length)"), "the promotion is marked");
                browser.navigate(base + "/audit");
                assertTrue(browser.text("#verification").startsWith("Chain intact"), browser.text("#verification"));
            }
            if (traffic.get() != null) {
                traffic.get().join(10_000);
            }
            assertEquals(PromotionState.PROMOTED, promotions.status(PLUGIN).orElseThrow().state());
        }
    }
}
