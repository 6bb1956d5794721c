package dev.chrysalis.host;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentConfig;
import dev.chrysalis.host.runtime.PluginRuntime;
import dev.chrysalis.host.runtime.RuntimeConfig;
import java.util.Objects;

/**
 * The composition root: the plugin runtime (embedded Felix with the skill and harness bundles) and the agent
 * that runs sessions on it, wired to the recorder and listener the config names. Close it to stop Felix.
 */
public final class Host implements AutoCloseable {
    private final HostConfig config;
    private final PluginRuntime runtime;
    private final Agent agent;

    private Host(HostConfig config, PluginRuntime runtime, Agent agent) {
        this.config = config;
        this.runtime = runtime;
        this.agent = agent;
    }

    public static Host start(HostConfig config) {
        Objects.requireNonNull(config, "config");
        RuntimeConfig runtimeConfig = RuntimeConfig.of(config.dataDir(), config.bundlesDir())
                .withClock(config.clock()).withListener(config.listener());
        PluginRuntime runtime = PluginRuntime.start(runtimeConfig);
        try {
            Agent agent = new Agent(runtime, config.brain(), config.recorder(), config.clock(), config.random(),
                    AgentConfig.under(config.dataDir()).withLimits(config.limits()));
            return new Host(config, runtime, agent);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    public HostConfig config() {
        return config;
    }

    public PluginRuntime runtime() {
        return runtime;
    }

    public Agent agent() {
        return agent;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
