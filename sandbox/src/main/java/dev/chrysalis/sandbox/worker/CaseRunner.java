package dev.chrysalis.sandbox.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.guard.Guard;
import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.guard.Violation;
import dev.chrysalis.sandbox.trial.TurnCases;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import dev.chrysalis.spi.replay.ReplayContext;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Loads the one candidate of this worker under the guard and replays cases against it, each in a fresh
 * workspace under scratch, with the recorded clock and seed, on a thread of bounded stack. A skill case
 * calls the candidate's skill directly ({@code ReplayContext.forCase}); a turn case ({@link TurnCases})
 * runs a whole turn through the host's turn pipeline with the shipped plugins and the candidate in place
 * of the one it rewrites ({@link TurnReplay}). Every call into candidate code happens with a candidate frame
 * on the stack, so the guard sees it; the parent judges the answers.
 */
final class CaseRunner {
    private static final int MAX_TEXT = 2000;

    private final WorkerConfig config;
    private final EmbeddedFramework framework;
    private final Guard guard;
    private final Protocol protocol;
    private final OsLimitCheck osLimits;
    private Bundle candidate;
    private CandidateServices services;
    private TurnReplay turns;

    CaseRunner(WorkerConfig config, EmbeddedFramework framework, Guard guard, Protocol protocol) {
        this.config = config;
        this.framework = framework;
        this.guard = guard;
        this.protocol = protocol;
        this.osLimits = new OsLimitCheck(config);
    }

    ObjectNode load(Path jar, long timeoutMillis) {
        if (candidate != null) {
            return loadFailed("this worker already ran candidate " + candidate.getLocation()
                    + "; a worker never runs a second candidate");
        }
        try (InputStream in = Files.newInputStream(jar)) {
            candidate = framework.context().installBundle("candidate:" + jar.getFileName(), in);
        } catch (IOException | BundleException | RuntimeException e) {
            return loadFailed("cannot install " + jar + ": " + e.getMessage());
        }
        FrameworkWiring wiring = framework.systemBundle().adapt(FrameworkWiring.class);
        if (!wiring.resolveBundles(List.of(candidate))) {
            try {
                candidate.start(); // not resolvable: fails with the missing requirement, before any candidate code runs
                return loadFailed("candidate " + jar.getFileName() + " does not resolve");
            } catch (BundleException e) {
                return loadFailed("candidate " + jar.getFileName() + " does not resolve: " + e.getMessage());
            }
        }
        guard.sandbox(candidate.adapt(BundleWiring.class).getClassLoader());
        try {
            candidate.start();
            services = CandidateServices.await(framework.context(), candidate, timeoutMillis);
            if (services.isEmpty()) {
                return loadFailed("candidate " + jar.getFileName() + " registered no Skill, Router or Hook service within "
                        + timeoutMillis + " ms");
            }
        } catch (Throwable e) {
            return loadFailed("candidate " + jar.getFileName() + " failed to start: " + text(e));
        }
        turns = new TurnReplay(config, framework, candidate, services, protocol);
        ObjectNode loaded = protocol.message("loaded");
        services.skills().keySet().forEach(name -> loaded.withArray("skills").add(name));
        services.routers().forEach(r -> loaded.withArray("routers").add(r.name()));
        services.hooks().forEach(h -> loaded.withArray("hooks").add(h.name()));
        return loaded;
    }

    private ObjectNode loadFailed(String message) {
        return protocol.message("load-failed").put("message", message);
    }

    /** Starts the shipped plugins turn cases run with (see {@link TurnReplay#prepare()}). */
    ObjectNode prepareTurns() {
        if (turns == null) {
            return protocol.message("prepare-failed").put("message", "no candidate is loaded in this worker");
        }
        return turns.prepare();
    }

    ObjectNode run(long seq, String caseLine) {
        ObjectNode result = protocol.message("result").put("seq", seq);
        if (candidate == null) {
            return result.put("outcome", "not-loaded").put("message", "no candidate is loaded in this worker");
        }
        ReplayCase replayCase;
        Path workspace;
        try {
            List<ReplayCase> parsed = ReplayCases.parse(caseLine, "unnamed", "trial request");
            if (parsed.size() != 1) {
                throw new IllegalArgumentException("a run request must carry exactly one case, got " + parsed.size());
            }
            replayCase = parsed.getFirst();
            workspace = prepareWorkspace(seq, replayCase.files());
        } catch (IOException | RuntimeException e) {
            return result.put("outcome", "bad-case").put("message", text(e));
        }
        Function<ObjectNode, ObjectNode> replay;
        if (TurnCases.isTurn(replayCase)) {
            replay = r -> turns.run(r, replayCase, workspace, config.scratch().resolve("case-" + seq + "-hooks"));
        } else {
            Skill skill = services.skills().get(replayCase.skill());
            if (skill == null) {
                return result.put("outcome", "missing-skill").put("message", "the candidate offers no skill named '"
                        + replayCase.skill() + "' (it offers: " + String.join(", ", services.skills().keySet()) + ")");
            }
            replay = r -> invoke(r, skill, replayCase, workspace);
        }
        ObjectNode[] answer = new ObjectNode[1];
        Thread caseThread = new Thread(null, () -> answer[0] = guarded(seq, replay), "case-" + seq, config.caseStackBytes());
        caseThread.start();
        try {
            caseThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result.put("outcome", "interrupted");
        }
        osLimits.breach(seq).ifPresent(protocol::violation);
        return answer[0] != null ? answer[0] : result.put("outcome", "threw").put("message", "the case thread ended without an answer");
    }

    /** Runs one replay; a stack overflow anywhere in it is the candidate's breach of the stack limit. */
    private ObjectNode guarded(long seq, Function<ObjectNode, ObjectNode> replay) {
        ObjectNode result = protocol.message("result").put("seq", seq);
        try {
            return replay.apply(result);
        } catch (StackOverflowError e) {
            StackTraceElement[] trace = e.getStackTrace();
            String where = trace.length > 0 ? trace[0].toString() : "unknown";
            protocol.violation(new Violation(Rule.STACK_DEPTH, "StackOverflowError", "case", where));
            return result.put("outcome", "stack-overflow");
        }
    }

    private ObjectNode invoke(ObjectNode result, Skill skill, ReplayCase replayCase, Path workspace) {
        long start = System.nanoTime();
        try {
            SkillResult answer = skill.invoke(ReplayContext.forCase(replayCase, workspace), replayCase.input());
            String output = String.valueOf(answer.output());
            result.put("nanos", System.nanoTime() - start);
            if (output.length() > config.maxOutputBytes()) {
                protocol.violation(new Violation(Rule.OUTPUT_LIMIT, "an output of " + output.length()
                        + " characters (limit " + config.maxOutputBytes() + ")", "Skill.invoke", "case " + result.path("seq").asLong()));
                return result.put("outcome", "output-limit");
            }
            return result.put("outcome", "returned").put("output", output).put("summary", clip(String.valueOf(answer.summary())));
        } catch (StackOverflowError e) {
            throw e;
        } catch (SkillException e) {
            result.put("nanos", System.nanoTime() - start);
            return result.put("outcome", "error").put("message", clip(String.valueOf(e.getMessage())));
        } catch (Throwable e) {
            result.put("nanos", System.nanoTime() - start);
            return result.put("outcome", "threw").put("message", clip(text(e)));
        }
    }

    private Path prepareWorkspace(long seq, Map<String, String> files) throws IOException {
        Path workspace = Files.createDirectories(config.scratch().resolve("case-" + seq));
        for (var file : files.entrySet()) {
            Path target = workspace.resolve(file.getKey()).normalize();
            if (!target.startsWith(workspace)) {
                throw new IOException("case file path escapes the workspace: " + file.getKey());
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        return workspace;
    }

    static String text(Throwable e) {
        return e.getClass().getName() + ": " + e.getMessage();
    }

    static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
