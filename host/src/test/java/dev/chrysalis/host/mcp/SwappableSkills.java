package dev.chrysalis.host.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillLimits;
import dev.chrysalis.spi.skill.SkillResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/** Real skill objects behind an atomically replaceable list, as a hot swap replaces a bundle's services. */
final class SwappableSkills implements McpTools {
    private final AtomicReference<List<Skill>> live;
    private final Path workspace;

    SwappableSkills(List<Skill> skills, Path workspace) {
        this.live = new AtomicReference<>(List.copyOf(skills));
        this.workspace = workspace;
    }

    void swap(List<Skill> skills) {
        live.set(List.copyOf(skills));
    }

    @Override
    public List<SkillDescriptor> catalogue() {
        return live.get().stream().map(SkillDescriptor::of).toList();
    }

    @Override
    public Optional<ToolOutcome> call(String skill, JsonNode arguments) {
        Optional<Skill> s = live.get().stream().filter(k -> k.name().equals(skill)).findFirst();
        return s.map(k -> {
            try {
                SkillResult r = k.invoke(new Ctx(workspace, Clock.systemUTC(), new SplittableRandom(1), SkillLimits.DEFAULT,
                        System.getLogger("test")), arguments);
                return new ToolOutcome.Success(skill, r.output(), r.summary());
            } catch (SkillException e) {
                return new ToolOutcome.Failure(skill, e.getMessage());
            }
        });
    }

    private record Ctx(Path workspace, Clock clock, RandomGenerator random, SkillLimits limits, System.Logger logger)
            implements SkillContext {
    }

    /** A skill's next version: same behaviour, a new description (what a swap makes visible to clients). */
    static Skill nextVersion(Skill base, String description) {
        return new Skill() {
            @Override
            public String name() {
                return base.name();
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public JsonNode inputSchema() {
                return base.inputSchema();
            }

            @Override
            public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
                SkillResult r = base.invoke(context, input);
                return new SkillResult(r.output(), "v2: " + r.summary());
            }
        };
    }
}
