package dev.chrysalis.sandbox.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.trial.TurnCases;
import dev.chrysalis.sandbox.turn.DefaultBrain;
import dev.chrysalis.sandbox.turn.PluginUse;
import dev.chrysalis.sandbox.turn.TurnEnvironment;
import dev.chrysalis.sandbox.turn.TurnOutcome;
import dev.chrysalis.sandbox.turn.TurnPipeline;
import dev.chrysalis.sandbox.turn.TurnPlugins;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Replays turn cases through the host's {@link TurnPipeline} with the {@link DefaultBrain}: the shipped
 * plugins (installed on the first turn case, except the one the candidate rewrites, by symbolic name) with
 * the candidate's services in place of the shipped ones of the same kind and name (its router replaces the
 * shipped router). The clock is fixed at the recorded instant and every skill call gets the recorded seed.
 * The answer carries the routing decision, the stored turn, the files the hooks wrote and the failures.
 */
final class TurnReplay {
    private static final long PLUGIN_START_MILLIS = 10_000;

    private final WorkerConfig config;
    private final EmbeddedFramework framework;
    private final Bundle candidate;
    private final CandidateServices candidateServices;
    private final Protocol protocol;
    private CandidateServices shipped;
    private final Map<Object, Bundle> owners = new java.util.IdentityHashMap<>();

    TurnReplay(WorkerConfig config, EmbeddedFramework framework, Bundle candidate, CandidateServices candidateServices,
               Protocol protocol) {
        this.config = config;
        this.framework = framework;
        this.candidate = candidate;
        this.candidateServices = candidateServices;
        this.protocol = protocol;
    }

    /**
     * Installs and starts the shipped plugins now (the parent asks before the first turn case, under the load
     * limits, so no case pays for it); a later call does nothing.
     */
    ObjectNode prepare() {
        long start = System.nanoTime();
        try {
            installShipped();
        } catch (RuntimeException | IOException | BundleException | org.osgi.framework.InvalidSyntaxException e) {
            return protocol.message("prepare-failed").put("message", CaseRunner.text(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return protocol.message("prepare-failed").put("message", "interrupted while starting the shipped plugins");
        }
        return protocol.message("prepared").put("millis", (System.nanoTime() - start) / 1_000_000)
                .put("skills", shipped.skills().size()).put("routers", shipped.routers().size()).put("hooks", shipped.hooks().size());
    }

    ObjectNode run(ObjectNode result, ReplayCase c, Path workspace, Path hookWorkspace) {
        String message;
        try {
            message = TurnCases.message(c);
            installShipped();
        } catch (RuntimeException | IOException | BundleException | org.osgi.framework.InvalidSyntaxException e) {
            return result.put("outcome", "bad-case").put("message", CaseRunner.text(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result.put("outcome", "interrupted");
        }
        TurnEnvironment environment = new TurnEnvironment(workspace, hookWorkspace, Clock.fixed(c.clock(), ZoneOffset.UTC),
                SkillLimits.DEFAULT);
        long start = System.nanoTime();
        TurnOutcome outcome = new TurnPipeline(new Plugins(), new DefaultBrain(), environment)
                .run(TurnCases.session(c), TurnCases.turnIndex(c), message, List.of(), partial -> { }, c::seed);
        result.put("nanos", System.nanoTime() - start);
        result.put("outcome", "turn");
        if (!outcome.routes().isEmpty()) {
            result.set("route", route(outcome.routes().getFirst()));
        }
        result.put("answer", CaseRunner.clip(outcome.turn().answer()));
        result.set("calls", calls(outcome.turn().toolCalls()));
        ObjectNode stored = result.putObject("stored");
        stored.put("turn", CaseRunner.clip(turnJson(outcome.turn()).toString()));
        hookFiles(hookWorkspace).forEach(stored.putObject("files")::put);
        outcome.failures().forEach(f -> result.withArray("failures").add(CaseRunner.clip(f.kind() + " " + f.source() + ": " + f.message())));
        outcome.servedBy().forEach(s -> result.withArray("servedBy").add(s.role().name().toLowerCase() + " " + s.name() + " (" + s.plugin() + ")"));
        return result;
    }

    private ObjectNode route(RouteDecision decision) {
        ObjectNode route = protocol.message("route");
        route.remove("type");
        switch (decision) {
            case RouteDecision.Routed routed -> {
                route.put("skill", routed.skill());
                route.set("arguments", parse(String.valueOf(routed.arguments())));
            }
            case RouteDecision.Unrouted unrouted -> route.put("unrouted", CaseRunner.clip(unrouted.reason()));
        }
        return route;
    }

    /** Re-read from text: the worker never forwards a candidate's own JsonNode object. */
    private static JsonNode parse(String json) {
        try {
            return Protocol.JSON.readTree(json);
        } catch (IOException e) {
            return Protocol.JSON.getNodeFactory().textNode(json);
        }
    }

    private static ArrayNode calls(List<ToolCall> toolCalls) {
        ArrayNode calls = Protocol.JSON.createArrayNode();
        for (ToolCall call : toolCalls) {
            ObjectNode o = calls.addObject().put("skill", call.skill());
            o.set("input", parse(String.valueOf(call.input())));
            call.output().ifPresent(out -> o.put("output", CaseRunner.clip(String.valueOf(out))));
            call.summary().ifPresent(s -> o.put("summary", CaseRunner.clip(s)));
            call.error().ifPresent(e -> o.put("error", CaseRunner.clip(e)));
        }
        return calls;
    }

    /** The turn as the host's recorder would store it. */
    private static ObjectNode turnJson(TurnData turn) {
        ObjectNode o = Protocol.JSON.createObjectNode();
        o.put("session", turn.sessionId()).put("turn", turn.turnIndex()).put("user", turn.userMessage());
        o.set("toolCalls", calls(turn.toolCalls()));
        o.put("answer", turn.answer());
        new TreeMap<>(turn.attributes()).forEach(o.putObject("attributes")::put);
        return o;
    }

    private Map<String, String> hookFiles(Path hookWorkspace) {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(hookWorkspace)) {
            return files;
        }
        long budget = config.maxOutputBytes() / 2;
        try (Stream<Path> walk = Files.walk(hookWorkspace)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(p);
                String text = new String(bytes, 0, (int) Math.min(bytes.length, Math.max(0, budget)), StandardCharsets.UTF_8);
                budget -= text.length();
                files.put(hookWorkspace.relativize(p).toString(), text);
            }
        } catch (IOException e) {
            files.put("(unreadable)", e.toString());
        }
        return files;
    }

    /** Installs and starts the shipped plugins once, except the one the candidate rewrites (same symbolic name). */
    private void installShipped() throws IOException, BundleException, InterruptedException,
            org.osgi.framework.InvalidSyntaxException {
        if (shipped != null) {
            return;
        }
        if (config.plugins().isEmpty()) {
            throw new IllegalStateException("this sandbox runtime has no shipped plugins (worker-plugins), so it cannot replay turns");
        }
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : config.plugins()) {
            if (!symbolicName(jar).equals(candidate.getSymbolicName())) {
                installed.add(framework.context().installBundle("reference:" + jar.toUri()));
            }
        }
        for (Bundle b : installed) {
            b.start();
        }
        Map<String, Skill> skills = new TreeMap<>();
        List<Router> routers = new ArrayList<>();
        List<Hook> hooks = new ArrayList<>();
        long deadline = System.nanoTime() + PLUGIN_START_MILLIS * 1_000_000;
        for (Bundle b : installed) {
            CandidateServices s = CandidateServices.await(framework.context(), b,
                    Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
            skills.putAll(s.skills());
            routers.addAll(s.routers());
            hooks.addAll(s.hooks());
            Stream.of(s.skills().values().stream(), s.routers().stream(), s.hooks().stream()).flatMap(x -> x)
                    .forEach(service -> owners.put(service, b));
        }
        Stream.of(candidateServices.skills().values().stream(), candidateServices.routers().stream(),
                candidateServices.hooks().stream()).flatMap(x -> x).forEach(service -> owners.put(service, candidate));
        shipped = new CandidateServices(skills, routers, hooks);
    }

    private static String symbolicName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String name = file.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return name == null ? "" : name.split(";")[0].strip();
        }
    }

    /** The shipped plugins with the candidate's services taking the place of those they rewrite. */
    private final class Plugins implements TurnPlugins {
        @Override
        public List<SkillDescriptor> catalogue() {
            return skills().values().stream().map(SkillDescriptor::of).toList();
        }

        private Map<String, Skill> skills() {
            Map<String, Skill> skills = new TreeMap<>(shipped.skills());
            skills.putAll(candidateServices.skills());
            return skills;
        }

        @Override
        public Optional<PluginUse<Skill>> skill(String name, String sessionId) {
            return Optional.ofNullable(skills().get(name)).map(s -> use(s, name));
        }

        @Override
        public Optional<PluginUse<Router>> router() {
            Stream<Router> routers = Stream.concat(candidateServices.routers().stream(), shipped.routers().stream());
            return routers.findFirst().map(r -> use(r, r.name()));
        }

        @Override
        public List<PluginUse<Hook>> hooks() {
            Map<String, Hook> byName = new LinkedHashMap<>();
            shipped.hooks().forEach(h -> byName.put(h.name(), h));
            candidateServices.hooks().forEach(h -> byName.put(h.name(), h));
            return byName.entrySet().stream().map(e -> use(e.getValue(), e.getKey())).toList();
        }

        private <T> PluginUse<T> use(T service, String name) {
            Bundle owner = owners.getOrDefault(service, candidate);
            return new PluginUse<>(service, name, String.valueOf(owner.getSymbolicName()), owner.getVersion().toString(),
                    owner == candidate ? "candidate" : "shipped", () -> { });
        }
    }
}
