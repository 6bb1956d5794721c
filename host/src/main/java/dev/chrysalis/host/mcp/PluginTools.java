package dev.chrysalis.host.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.chrysalis.host.runtime.PluginLease;
import dev.chrysalis.host.runtime.PluginServices;
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
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * The live skills of the plugin runtime as MCP tools: each call leases the skill (so a swap cannot unload it
 * mid-call) and runs it on a virtual thread under the host's timeout, in the skills' workspace.
 */
public final class PluginTools implements McpTools {

    private final PluginServices plugins;
    private final Path workspace;
    private final SkillLimits limits;
    private final Clock clock;
    private final RandomGenerator seeds;

    public PluginTools(PluginServices plugins, Path workspace, SkillLimits limits, Clock clock, RandomGenerator seeds) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seeds = Objects.requireNonNull(seeds, "seeds");
    }

    @Override
    public List<SkillDescriptor> catalogue() {
        return plugins.catalogue();
    }

    @Override
    public Optional<ToolOutcome> call(String skill, JsonNode arguments) {
        JsonNode input = arguments == null ? NullNode.getInstance() : arguments;
        Optional<PluginLease<Skill>> leased = plugins.acquireSkill(skill);
        if (leased.isEmpty()) {
            return Optional.empty();
        }
        PluginLease<Skill> lease = leased.get();
        long seed;
        synchronized (seeds) {
            seed = seeds.nextLong();
        }
        SkillContext context = new McpSkillContext(workspace, clock, new SplittableRandom(seed), limits,
                System.getLogger("dev.chrysalis.skill." + skill));
        CompletableFuture<SkillResult> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("mcp-skill-" + skill).start(() -> {
            try {
                result.complete(lease.service().invoke(context, input));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                lease.close();
            }
        });
        try {
            SkillResult r = result.get(limits.timeout().toNanos(), TimeUnit.NANOSECONDS);
            if (r == null) {
                return Optional.of(new ToolOutcome.Failure(skill, "skill '" + skill + "' returned no result"));
            }
            return Optional.of(new ToolOutcome.Success(skill, r.output(), r.summary()));
        } catch (TimeoutException e) {
            worker.interrupt();
            return Optional.of(new ToolOutcome.Failure(skill, "skill '" + skill + "' did not finish within " + limits.timeout()));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String msg = cause instanceof SkillException ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            return Optional.of(new ToolOutcome.Failure(skill, msg));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new ToolOutcome.Failure(skill, "interrupted while waiting for skill '" + skill + "'"));
        }
    }

    private record McpSkillContext(Path workspace, Clock clock, RandomGenerator random, SkillLimits limits,
                                   System.Logger logger) implements SkillContext {
    }
}
