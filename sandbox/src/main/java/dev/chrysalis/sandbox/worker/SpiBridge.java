package dev.chrysalis.sandbox.worker;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;

/**
 * Reaches the SPI as the bundles see it. The worker's own classes live on the application class path,
 * while skills are compiled against the SPI bundle's classes, so the worker calls the SPI through
 * reflection on the bundle's public API: it parses each case with {@code ReplayCases.parse} and builds its
 * context with {@code ReplayContext.forCase}, exactly as the SPI defines them.
 */
final class SpiBridge {
    static final String SKILL = "dev.chrysalis.spi.skill.Skill";

    private final Method parse;
    private final Method forCase;
    private final Method caseSkill;
    private final Method caseInput;
    private final Method caseFiles;
    private final Method skillName;
    private final Method skillInvoke;
    private final Method resultOutput;
    private final Method resultSummary;
    private final Class<?> skillException;

    SpiBridge(Bundle spi) throws ReflectiveOperationException {
        Class<?> cases = spi.loadClass("dev.chrysalis.spi.replay.ReplayCases");
        Class<?> replayCase = spi.loadClass("dev.chrysalis.spi.replay.ReplayCase");
        Class<?> context = spi.loadClass("dev.chrysalis.spi.replay.ReplayContext");
        Class<?> skill = spi.loadClass(SKILL);
        Class<?> skillContext = spi.loadClass("dev.chrysalis.spi.skill.SkillContext");
        Class<?> result = spi.loadClass("dev.chrysalis.spi.skill.SkillResult");
        Class<?> jsonNode = skill.getMethod("inputSchema").getReturnType();
        parse = cases.getMethod("parse", String.class, String.class, String.class);
        forCase = context.getMethod("forCase", replayCase, Path.class);
        caseSkill = replayCase.getMethod("skill");
        caseInput = replayCase.getMethod("input");
        caseFiles = replayCase.getMethod("files");
        skillName = skill.getMethod("name");
        skillInvoke = skill.getMethod("invoke", skillContext, jsonNode);
        resultOutput = result.getMethod("output");
        resultSummary = result.getMethod("summary");
        skillException = spi.loadClass("dev.chrysalis.spi.skill.SkillException");
    }

    /** A case from its JSON line (as {@code ReplayCases.toJsonLine} wrote it). */
    Object parseCase(String jsonLine) throws ReflectiveOperationException {
        List<?> parsed = (List<?>) call(parse, null, jsonLine, "unnamed", "trial request");
        if (parsed.size() != 1) {
            throw new IllegalArgumentException("a run request must carry exactly one case, got " + parsed.size());
        }
        return parsed.getFirst();
    }

    String caseSkill(Object replayCase) throws ReflectiveOperationException {
        return (String) call(caseSkill, replayCase);
    }

    @SuppressWarnings("unchecked")
    Map<String, String> caseFiles(Object replayCase) throws ReflectiveOperationException {
        return (Map<String, String>) call(caseFiles, replayCase);
    }

    Object context(Object replayCase, Path workspace) throws ReflectiveOperationException {
        return call(forCase, null, replayCase, workspace);
    }

    String skillName(Object skill) throws Throwable {
        return (String) invokeUnwrapped(skillName, skill);
    }

    /** Runs the skill; throws what the skill threw. */
    Object invoke(Object skill, Object context, Object replayCase) throws Throwable {
        return invokeUnwrapped(skillInvoke, skill, context, call(caseInput, replayCase));
    }

    String output(Object result) throws Throwable {
        Object node = invokeUnwrapped(resultOutput, result);
        return String.valueOf(node);
    }

    String summary(Object result) throws Throwable {
        return String.valueOf(invokeUnwrapped(resultSummary, result));
    }

    boolean isSkillException(Throwable t) {
        return skillException.isInstance(t);
    }

    private static Object call(Method m, Object target, Object... args) throws ReflectiveOperationException {
        return m.invoke(target, args);
    }

    private static Object invokeUnwrapped(Method m, Object target, Object... args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
