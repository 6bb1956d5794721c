package dev.chrysalis.spi.replay;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays cases against a skill in this JVM: each case gets a fresh workspace with its files, the
 * recorded clock and seed. (The sandbox does the same inside an isolated worker.)
 */
public final class ReplayRunner {
    private final Path scratchRoot;

    /** @param scratchRoot a directory under which one fresh workspace per case is created */
    public ReplayRunner(Path scratchRoot) {
        this.scratchRoot = scratchRoot;
    }

    public List<ReplayOutcome> run(Skill skill, List<ReplayCase> cases) {
        List<ReplayOutcome> outcomes = new ArrayList<>();
        for (ReplayCase c : cases) {
            outcomes.add(runOne(skill, c));
        }
        return outcomes;
    }

    public ReplayOutcome runOne(Skill skill, ReplayCase c) {
        Path workspace = prepareWorkspace(c);
        SkillResult result;
        try {
            result = skill.invoke(ReplayContext.forCase(c, workspace), c.input());
        } catch (SkillException e) {
            return judgeError(c, String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            return new ReplayOutcome.WrongError(c, "skill threw " + e.getClass().getName() + ": " + e.getMessage());
        }
        if (c.expectedError().isPresent()) {
            return new ReplayOutcome.WrongError(c, "expected an error containing '" + c.expectedError().get()
                    + "', but the skill answered " + result.output());
        }
        List<String> diffs = JsonComparison.differences(c.expectedOutput().orElseThrow(), result.output(), c.tolerance());
        return diffs.isEmpty() ? new ReplayOutcome.Passed(c) : new ReplayOutcome.Mismatch(c, String.join("; ", diffs));
    }

    private static ReplayOutcome judgeError(ReplayCase c, String message) {
        if (c.expectedError().isEmpty()) {
            return new ReplayOutcome.WrongError(c, "unexpected error: " + message);
        }
        String wanted = c.expectedError().get();
        return message.toLowerCase().contains(wanted.toLowerCase())
                ? new ReplayOutcome.Passed(c)
                : new ReplayOutcome.WrongError(c, "expected an error containing '" + wanted + "', got: " + message);
    }

    private Path prepareWorkspace(ReplayCase c) {
        try {
            Files.createDirectories(scratchRoot);
            Path workspace = Files.createTempDirectory(scratchRoot, "case-");
            for (var file : c.files().entrySet()) {
                Path target = workspace.resolve(file.getKey()).normalize();
                if (!target.startsWith(workspace)) {
                    throw new ReplayFormatException("replay case '" + c.id() + "': file path escapes the workspace: " + file.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            }
            return workspace;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare workspace for replay case '" + c.id() + "'", e);
        }
    }
}
