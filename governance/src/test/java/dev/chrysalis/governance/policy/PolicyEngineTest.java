package dev.chrysalis.governance.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.CapabilityRules;
import dev.chrysalis.governance.testing.TestJars;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    static final String SKILL = "dev.chrysalis.skill.wordcount";
    static final String V1 = """
            package wc;
            import java.nio.file.*;
            public class WordCount {
                public int count(Path p) throws Exception {
                    return Files.readString(p).split("\\\\s+").length;
                }
            }
            """;
    static final String V2 = V1.replace("return Files.readString(p).split(\"\\\\s+\").length;",
            "String t = Files.readString(p).strip();\n        return t.isEmpty() ? 0 : t.split(\"\\\\s+\").length;");
    static final String V2_NET = V2.replace("public int count", """
            public int fetch(String u) throws Exception { return new java.net.URI(u).toURL().openStream().read(); }
                public int count""");

    static BundleJar v1;
    static BundleJar v2;
    static BundleJar v2NetUndeclared;
    static BundleJar v2NetDeclared;
    static final CandidateReader READER = new CandidateReader(new BytecodeScanner(CapabilityRules.standard()));
    static final PolicyEngine ENGINE = new PolicyEngine(PolicyReader.defaults());
    static final TrialReport PASS = new TrialReport(TrialReport.Verdict.PASS, java.util.List.of(new TrialReport.CaseResult("two-words", "pass", "")));

    /** A candidate as evolution submits it: with a passing trial. */
    static Candidate tried(BundleJar jar, Optional<BundleJar> base, String proposer) {
        return READER.read(jar, base, proposer).withTrial(PASS);
    }

    @BeforeAll
    static void build() {
        v1 = BundleJar.of(TestJars.bundle(SKILL, "fs.read", Map.of("wc.WordCount", V1)), "v1.jar");
        v2 = BundleJar.of(TestJars.bundle(SKILL, "fs.read", Map.of("wc.WordCount", V2)), "v2.jar");
        v2NetUndeclared = BundleJar.of(TestJars.bundle(SKILL, "fs.read", Map.of("wc.WordCount", V2_NET)), "v2net.jar");
        v2NetDeclared = BundleJar.of(TestJars.bundle(SKILL, "fs.read, net", Map.of("wc.WordCount", V2_NET)), "v2netd.jar");
    }

    @Test
    void smallChangeToVerifiedSkillWithSameCapabilitiesAutoPromotes() {
        Candidate c = tried(v2, Optional.of(v1), "evolution");
        assertEquals(3, c.change().linesChanged().getAsInt());
        assertTrue(c.change().unifiedDiff().contains("+        String t = Files.readString(p).strip();"), c.change().unifiedDiff());
        Decision d = ENGINE.decide(c);
        assertInstanceOf(Decision.AutoPromote.class, d, d.explanation());
        assertTrue(d.explanation().contains("[limits.max-lines-changed] 3 lines changed, within 200"), d.explanation());
    }

    @Test
    void undeclaredNetworkUseIsRefusedNamingClassMethodAndCall() {
        Decision d = ENGINE.decide(tried(v2NetUndeclared, Optional.of(v1), "evolution"));
        assertInstanceOf(Decision.Refused.class, d, d.explanation());
        assertTrue(d.explanation().contains("undeclared net: wc.WordCount.fetch(Ljava/lang/String;)I line 4: calls java.net.URL.openStream()"),
                d.explanation());
    }

    @Test
    void declaringANewCapabilityNeedsAHuman() {
        Decision d = ENGINE.decide(tried(v2NetDeclared, Optional.of(v1), "evolution"));
        var h = assertInstanceOf(Decision.NeedsHuman.class, d, d.explanation());
        assertTrue(h.reasons().contains("[tiers.verified.review] on-capability-change: adds net"), d.explanation());
        assertTrue(h.reasons().contains("[limits.max-new-capabilities] 1 new (net), more than 0"), d.explanation());
    }

    @Test
    void changeLargerThanTheLimitNeedsAHuman() {
        Policy tight = PolicyReader.parse("limits:\n  max-lines-changed: 2\n", "tight.yaml");
        Decision d = new PolicyEngine(tight).decide(tried(v2, Optional.of(v1), "evolution"));
        var h = assertInstanceOf(Decision.NeedsHuman.class, d);
        assertEquals("[limits.max-lines-changed] 3 lines changed, more than 2", h.reasons().getFirst());
    }

    @Test
    void communityTierFirstInstallAndAlwaysHumanPluginsNeedAHuman() {
        Policy community = PolicyReader.parse("plugins:\n  dev.chrysalis.skill.wordcount:\n    tier: community\n", "c.yaml");
        Decision d = new PolicyEngine(community).decide(tried(v2, Optional.of(v1), "evolution"));
        assertTrue(d.reasons().contains("[tiers.community.review] always: every change to a community plugin needs a person"));
        assertTrue(d.reasons().contains("[auto-promote] neither tier community nor plugin " + SKILL + " is listed"));

        Decision first = ENGINE.decide(tried(v1, Optional.empty(), "alice"));
        assertTrue(first.reasons().contains("[baseline] no live version to compare with: a first install needs a person"));

        Policy always = PolicyReader.parse("always-human:\n  plugins: [dev.chrysalis.skill.*]\n", "a.yaml");
        Decision d3 = new PolicyEngine(always).decide(tried(v2, Optional.of(v1), "evolution"));
        assertEquals("[always-human.plugins] " + SKILL + " matches 'dev.chrysalis.skill.*'", d3.reasons().getFirst());
    }

    @Test
    void jarsWithoutSourcesHaveUnknownSizeAndNeedAHuman() {
        byte[] noSrc = TestJars.jar(Map.of("Bundle-SymbolicName", SKILL, "Chrysalis-Capabilities", "fs.read"),
                Map.of("wc/WordCount.class", TestJars.compile(Map.of("wc.WordCount", V2)).get("wc/WordCount")));
        Candidate c = tried(BundleJar.of(noSrc, "nosrc.jar"), Optional.of(v1), "evolution");
        assertTrue(c.change().linesChanged().isEmpty());
        assertEquals(1, c.change().classesChanged());
        assertInstanceOf(Decision.NeedsHuman.class, ENGINE.decide(c));
    }

    @Test
    void trialResultsDecideToo() {
        Decision none = ENGINE.decide(READER.read(v2, Optional.of(v1), "evolution"));
        assertTrue(none.reasons().contains("[trial.required] no sandbox trial results: a candidate that was not tried needs a person"),
                none.explanation());
        Decision notRequired = new PolicyEngine(PolicyReader.parse("trial:\n  required: false\n", "t.yaml"))
                .decide(READER.read(v2, Optional.of(v1), "evolution"));
        assertInstanceOf(Decision.AutoPromote.class, notRequired, notRequired.explanation());
        var flaky = new TrialReport(TrialReport.Verdict.FLAKY, java.util.List.of(
                new TrialReport.CaseResult("two-words", "pass", ""), new TrialReport.CaseResult("blank", "flaky", "2 of 3 runs passed")));
        Decision d = ENGINE.decide(READER.read(v2, Optional.of(v1), "evolution").withTrial(flaky));
        assertEquals("[trial] verdict flaky: 2 cases, 1 not passing; blank flaky (2 of 3 runs passed)", d.reasons().getFirst());
        var unsafe = new TrialReport(TrialReport.Verdict.UNSAFE, java.util.List.of(new TrialReport.CaseResult("x", "unsafe", "guard denied net")));
        assertInstanceOf(Decision.Refused.class, ENGINE.decide(READER.read(v2, Optional.of(v1), "evolution").withTrial(unsafe)));
    }

    @Test
    void riskNamesWhatMakesAChangeRisky() {
        assertEquals(new Risk(Risk.Level.LOW, java.util.List.of()), ENGINE.assess(tried(v2, Optional.of(v1), "evolution")));
        assertEquals(new Risk(Risk.Level.MEDIUM, java.util.List.of("adds net")), ENGINE.assess(tried(v2NetDeclared, Optional.of(v1), "evolution")));
        assertEquals("medium: adds fs.read; not tried in the sandbox; first install", ENGINE.assess(READER.read(v1, Optional.empty(), "alice")).summary());
        var failed = new TrialReport(TrialReport.Verdict.FAIL, java.util.List.of(new TrialReport.CaseResult("a", "fail", "")));
        assertEquals("high: trial fail (1 of 1 cases)", ENGINE.assess(READER.read(v2, Optional.of(v1), "e").withTrial(failed)).summary());
        assertEquals(Risk.Level.HIGH, ENGINE.assess(tried(v2NetUndeclared, Optional.of(v1), "evolution")).level());
    }

    @Test
    void aBaselineOfAnotherPluginIsRejected() {
        BundleJar other = BundleJar.of(TestJars.bundle("dev.chrysalis.skill.other", "", Map.of("o.O", "package o; public class O {}")), "o.jar");
        var e = org.junit.jupiter.api.Assertions.assertThrows(BundleFormatException.class,
                () -> tried(v2, Optional.of(other), "evolution"));
        assertEquals("baseline o.jar is dev.chrysalis.skill.other, but the candidate v2.jar is " + SKILL, e.getMessage());
    }
}
