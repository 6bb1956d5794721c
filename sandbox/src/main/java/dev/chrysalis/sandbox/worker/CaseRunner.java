package dev.chrysalis.sandbox.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.guard.Guard;
import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.guard.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Loads the one candidate of this worker under the guard and replays cases against its skills, each in a
 * fresh workspace under scratch, with the recorded clock and seed ({@code ReplayContext.forCase}), on a
 * thread of bounded stack. Every call into candidate code happens with a candidate frame on the stack, so
 * the guard sees it; the parent judges the answers.
 */
final class CaseRunner {
    private static final int MAX_TEXT = 2000;

    private final WorkerConfig config;
    private final EmbeddedFramework framework;
    private final Guard guard;
    private final Protocol protocol;
    private final SpiBridge spi;
    private final Map<String, Object> skills = new TreeMap<>();
    private Bundle candidate;

    CaseRunner(WorkerConfig config, EmbeddedFramework framework, Guard guard, Protocol protocol)
            throws ReflectiveOperationException {
        this.config = config;
        this.framework = framework;
        this.guard = guard;
        this.protocol = protocol;
        this.spi = new SpiBridge(framework.spi());
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
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            List<ServiceReference<?>> refs = skillReferences();
            while (refs.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
                refs = skillReferences();
            }
            if (refs.isEmpty()) {
                return loadFailed("candidate " + jar.getFileName() + " registered no " + SpiBridge.SKILL
                        + " service within " + timeoutMillis + " ms");
            }
            for (ServiceReference<?> ref : refs) {
                Object skill = framework.context().getService(ref);
                if (skill != null) {
                    skills.put(spi.skillName(skill), skill);
                }
            }
        } catch (Throwable e) {
            return loadFailed("candidate " + jar.getFileName() + " failed to start: " + text(e));
        }
        ObjectNode loaded = protocol.message("loaded");
        skills.keySet().forEach(name -> loaded.withArray("skills").add(name));
        return loaded;
    }

    private List<ServiceReference<?>> skillReferences() throws org.osgi.framework.InvalidSyntaxException {
        List<ServiceReference<?>> mine = new ArrayList<>();
        ServiceReference<?>[] all = framework.context().getAllServiceReferences(SpiBridge.SKILL, null);
        if (all != null) {
            for (ServiceReference<?> ref : all) {
                if (ref.getBundle() == candidate) {
                    mine.add(ref);
                }
            }
        }
        return mine;
    }

    private ObjectNode loadFailed(String message) {
        return protocol.message("load-failed").put("message", message);
    }

    ObjectNode run(long seq, String caseLine) {
        ObjectNode result = protocol.message("result").put("seq", seq);
        if (candidate == null) {
            return result.put("outcome", "not-loaded").put("message", "no candidate is loaded in this worker");
        }
        Object replayCase;
        Object context;
        Object skill;
        try {
            replayCase = spi.parseCase(caseLine);
            String name = spi.caseSkill(replayCase);
            skill = skills.get(name);
            if (skill == null) {
                return result.put("outcome", "missing-skill").put("message",
                        "the candidate offers no skill named '" + name + "' (it offers: " + String.join(", ", skills.keySet()) + ")");
            }
            Path workspace = prepareWorkspace(seq, spi.caseFiles(replayCase));
            context = spi.context(replayCase, workspace);
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            return result.put("outcome", "bad-case").put("message", text(e));
        }
        ObjectNode[] answer = new ObjectNode[1];
        Object theSkill = skill;
        Thread caseThread = new Thread(null, () -> answer[0] = invoke(seq, theSkill, context, replayCase),
                "case-" + seq, config.caseStackBytes());
        caseThread.start();
        try {
            caseThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result.put("outcome", "interrupted");
        }
        return answer[0] != null ? answer[0] : result.put("outcome", "threw").put("message", "the case thread ended without an answer");
    }

    private ObjectNode invoke(long seq, Object skill, Object context, Object replayCase) {
        ObjectNode result = protocol.message("result").put("seq", seq);
        long start = System.nanoTime();
        try {
            Object answer = spi.invoke(skill, context, replayCase);
            String output = spi.output(answer);
            result.put("nanos", System.nanoTime() - start);
            if (output.length() > config.maxOutputBytes()) {
                protocol.violation(new Violation(Rule.OUTPUT_LIMIT, "an output of " + output.length()
                        + " characters (limit " + config.maxOutputBytes() + ")", "Skill.invoke", "case " + seq));
                return result.put("outcome", "output-limit");
            }
            return result.put("outcome", "returned").put("output", output).put("summary", clip(spi.summary(answer)));
        } catch (StackOverflowError e) {
            StackTraceElement[] trace = e.getStackTrace();
            String where = trace.length > 0 ? trace[0].toString() : "unknown";
            protocol.violation(new Violation(Rule.STACK_DEPTH, "StackOverflowError", "Skill.invoke", where));
            return result.put("outcome", "stack-overflow");
        } catch (Throwable e) {
            result.put("nanos", System.nanoTime() - start);
            if (spi.isSkillException(e)) {
                return result.put("outcome", "error").put("message", clip(String.valueOf(e.getMessage())));
            }
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

    private static String text(Throwable e) {
        return e.getClass().getName() + ": " + e.getMessage();
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "...";
    }
}
