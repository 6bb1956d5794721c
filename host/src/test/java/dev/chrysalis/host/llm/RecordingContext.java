package dev.chrysalis.host.llm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.brain.BrainContext;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillLimits;
import dev.chrysalis.spi.skill.SkillResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** A brain context over real skill objects: runs them in-process and records every call and partial. */
final class RecordingContext implements BrainContext {

    record Call(String skill, JsonNode arguments, ToolOutcome outcome) {
    }

    private final List<Skill> skills;
    private final Path workspace;
    final List<Call> calls = new ArrayList<>();
    final StringBuilder streamed = new StringBuilder();
    int partials;
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    RecordingContext(List<Skill> skills, Path workspace) {
        this.skills = List.copyOf(skills);
        this.workspace = workspace;
    }

    @Override
    public List<SkillDescriptor> catalogue() {
        return skills.stream().map(SkillDescriptor::of).toList();
    }

    @Override
    public Router router() {
        throw new UnsupportedOperationException("the LLM brain does not use the router");
    }

    @Override
    public ToolOutcome invokeTool(String skill, JsonNode arguments) {
        Skill s = skills.stream().filter(k -> k.name().equals(skill)).findFirst().orElseThrow(
                () -> new AssertionError("brain called unknown skill " + skill));
        SkillContext ctx = new SkillContext() {
            @Override
            public Path workspace() {
                return workspace;
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public RandomGenerator random() {
                return new SplittableRandom(1);
            }

            @Override
            public SkillLimits limits() {
                return SkillLimits.DEFAULT;
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("test.skill." + skill);
            }
        };
        ToolOutcome outcome;
        try {
            SkillResult r = s.invoke(ctx, arguments);
            outcome = new ToolOutcome.Success(skill, r.output(), r.summary());
        } catch (SkillException | RuntimeException e) {
            outcome = new ToolOutcome.Failure(skill, String.valueOf(e.getMessage()));
        }
        calls.add(new Call(skill, arguments, outcome));
        return outcome;
    }

    @Override
    public void partial(String text) {
        partials++;
        streamed.append(text);
    }

    @Override
    public Clock clock() {
        return clock;
    }
}
