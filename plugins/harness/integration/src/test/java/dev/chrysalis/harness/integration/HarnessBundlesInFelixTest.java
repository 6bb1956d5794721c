package dev.chrysalis.harness.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

class HarnessBundlesInFelixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HARNESS = List.of("harness-router-default", "harness-hook-redact-secrets", "harness-hook-turn-log");
    private static final List<String> RUNTIME = List.of("org.osgi.util.function", "org.osgi.util.promise",
            "org.osgi.service.component", "org.apache.felix.scr");

    @TempDir
    static Path temp;
    private static Felix felix;
    private static final Map<String, Bundle> bundles = new HashMap<>();

    @BeforeAll
    static void startFramework() throws Exception {
        Path dir = Path.of(System.getProperty("harness.bundles", "target/harness-bundles"));
        String jackson = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString().replace("-SNAPSHOT", "");
        StringBuilder extra = new StringBuilder();
        for (String p : List.of("router", "skill", "hook", "brain", "replay")) {
            extra.append("dev.chrysalis.spi.").append(p).append(";version=1.0.0,");
        }
        for (String p : List.of("core", "core.type", "databind", "databind.node", "databind.type", "annotation")) {
            extra.append("com.fasterxml.jackson.").append(p).append(";version=").append(jackson).append(',');
        }
        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, temp.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, extra.substring(0, extra.length() - 1));
        config.put("felix.log.level", "1");
        felix = new Felix(config);
        felix.start();
        BundleContext ctx = felix.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (String name : concat(RUNTIME, HARNESS)) {
            Path jar = dir.resolve(name + ".jar");
            assertTrue(Files.isRegularFile(jar), () -> "missing bundle " + jar);
            Bundle b = ctx.installBundle(jar.toUri().toString());
            bundles.put(name, b);
            installed.add(b);
        }
        for (Bundle b : installed) {
            b.start();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @AfterAll
    static void stopFramework() throws Exception {
        if (felix != null) {
            felix.stop();
            felix.waitForStop(5_000);
        }
    }

    private static <T> List<T> services(Class<T> type, int expected) throws Exception {
        BundleContext ctx = felix.getBundleContext();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            var refs = ctx.getServiceReferences(type, null);
            if (refs.size() >= expected || System.nanoTime() > deadline) {
                List<T> out = new ArrayList<>();
                for (ServiceReference<T> r : refs) {
                    out.add(ctx.getService(r));
                }
                return out;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void everyHarnessBundleResolvesAndStartsWithItsReadme() {
        for (String name : HARNESS) {
            Bundle b = bundles.get(name);
            assertEquals(Bundle.ACTIVE, b.getState(), name + " is active");
            assertEquals("dev.chrysalis.harness." + name, b.getSymbolicName());
            assertEquals("harness", b.getHeaders().get("Chrysalis-Plugin-Kind"));
            assertNotNull(b.getEntry("README.md"), name + " ships its README.md");
        }
        assertNotNull(bundles.get("harness-hook-redact-secrets").getEntry("replay.jsonl"));
    }

    @Test
    void theDefaultRouterServiceRoutes() throws Exception {
        List<Router> routers = services(Router.class, 1);
        assertEquals(1, routers.size());
        Router router = routers.getFirst();
        assertEquals("default", router.name());
        var units = new SkillDescriptor("units", "Converts units.", JSON.readTree("""
                {"type":"object","properties":{"value":{"type":"number"},"from":{"type":"string"},"to":{"type":"string"}},
                 "required":["value","from","to"]}"""), List.of(),
                List.of(new RoutePattern("convert (?<value>[\\d.]+) (?<from>\\w+) to (?<to>\\w+)")));
        var routed = assertInstanceOf(RouteDecision.Routed.class, router.route("convert 5 km to miles?", List.of(units)));
        assertEquals(JSON.readTree("{\"value\":5,\"from\":\"km\",\"to\":\"miles\"}"), routed.arguments());
        assertInstanceOf(RouteDecision.Unrouted.class, router.route("tell me a joke", List.of(units)));
    }

    @Test
    void theHooksRegisterAndInTheHostsOrderLogOnlyRedactedTurns() throws Exception {
        List<Hook> hooks = new ArrayList<>(services(Hook.class, 2));
        hooks.sort(Comparator.comparingInt(Hook::priority).thenComparing(Hook::name));
        assertEquals(List.of("redact-secrets", "turn-log"), hooks.stream().map(Hook::name).toList());
        assertEquals(List.of(10, 100), hooks.stream().map(Hook::priority).toList());

        Path workspace = temp.resolve("hook-workspace");
        HookContext context = new HookContext() {
            @Override
            public Path workspace() {
                return workspace;
            }

            @Override
            public Clock clock() {
                return Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("harness-it");
            }
        };
        String key = "AKIA" + "QX3ZJ7LMN2PK5W4T";
        TurnData turn = TurnData.incoming("it-1", 0, "deploy with " + key);
        for (Hook h : hooks) {
            turn = h.beforeTurn(turn, context);
        }
        assertEquals("deploy with " + key, turn.userMessage(), "beforeTurn leaves the message for the skill");
        turn = turn.withToolCalls(List.of(new ToolCall("text", JSON.readTree("{\"password\":\"hunter2\"}"),
                        Optional.of(JSON.readTree("{\"ok\":true}")), Optional.of("done"), Optional.empty(), Duration.ofMillis(2))))
                .withAnswer("used " + key);
        for (Hook h : hooks) {
            turn = h.afterTurn(turn, context);
        }
        String logged = Files.readString(workspace.resolve("turns.jsonl"));
        assertFalse(logged.contains(key) || logged.contains("hunter2"), logged);
        var line = JSON.readTree(logged.strip());
        assertEquals("deploy with [REDACTED:aws-access-key]", line.get("user").asText());
        assertEquals("aws-access-key=2,password=1", line.at("/attributes/redactions").asText());
        assertEquals("2026-01-01T00:00:00Z", line.get("time").asText());
        var component = felix.getBundleContext().getServiceReferences(Hook.class, "(component.name=dev.chrysalis.harness.turnlog.TurnLogHook)");
        assertEquals(1, component.size(), "the turn log is a DS component built through its @Activate constructor");
    }
}
