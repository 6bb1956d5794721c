package dev.chrysalis.evolution.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.evolution.mutate.AstMutator;
import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.evolution.mutate.external.ExternalAgentMutator;
import dev.chrysalis.evolution.mutate.external.ExternalAgentSettings;
import dev.chrysalis.evolution.mutate.llm.LlmCoderMutator;
import dev.chrysalis.evolution.mutate.llm.LlmCoderSettings;
import dev.chrysalis.inference.sampling.SamplingOptions;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Which mutators an evolution uses and how the configurable ones are set up: the LLM coder's model and
 * sampling, the external agent's command. Read from {@code evolution.properties} in the data directory
 * (every key optional) and overridden by command-line flags:
 * <pre>
 * mutators=llm-coder,external-agent,ast   # the order they are asked in (default: the configured ones, then ast)
 * coder.model=models/qwen2.5-coder-1.5b-q8_0.gguf   # relative to the data directory
 * coder.context=4096  coder.threads=0  coder.template=chatml
 * coder.temperature=0  coder.top_p=0.95  coder.seed=0  coder.max_tokens=768  coder.attempts=2
 * agent.command=["claude","-p","--allowedTools","Edit","{prompt}"]   # a JSON array, or words split on spaces
 * agent.timeout_seconds=600  agent.max_output_bytes=16384
 * </pre>
 * Nothing configured means the AST operators alone, as before.
 */
public record MutatorConfig(List<String> order, Optional<LlmCoderSettings> coder, Optional<ExternalAgentSettings> agent) {
    /** The file read from the data directory. */
    public static final String FILE_NAME = "evolution.properties";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NAMES = Set.of("ast", "llm-coder", "external-agent");

    public MutatorConfig {
        order = List.copyOf(order);
        Objects.requireNonNull(coder, "coder");
        Objects.requireNonNull(agent, "agent");
        for (String name : order) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("mutator '" + name + "' is unknown (ast, llm-coder, external-agent)");
            }
            if (name.equals("llm-coder") && coder.isEmpty()) {
                throw new IllegalArgumentException("mutator llm-coder is listed but no coder model is set (coder.model or --coder-model)");
            }
            if (name.equals("external-agent") && agent.isEmpty()) {
                throw new IllegalArgumentException("mutator external-agent is listed but no command is set (agent.command or --coder-command)");
            }
        }
        if (order.size() != Set.copyOf(order).size()) {
            throw new IllegalArgumentException("mutators list a mutator twice: " + order);
        }
    }

    /** The AST operators alone. */
    public static MutatorConfig astOnly() {
        return new MutatorConfig(List.of("ast"), Optional.empty(), Optional.empty());
    }

    /** The coder with this model (other coder settings kept), asked first unless the order already lists it. */
    public MutatorConfig withCoderModel(Path model) {
        LlmCoderSettings c = coder.map(s -> new LlmCoderSettings(model, s.contextLength(), s.threads(), s.chatTemplate(), s.sampling(),
                s.seed(), s.maxTokens(), s.attempts())).orElseGet(() -> LlmCoderSettings.of(model));
        List<String> o = new ArrayList<>(order);
        if (!o.contains("llm-coder")) {
            o.addFirst("llm-coder");
        }
        return new MutatorConfig(o, Optional.of(c), agent);
    }

    /** The external agent with this command (other agent settings kept), asked after the coder and before the rest unless listed. */
    public MutatorConfig withAgentCommand(List<String> command) {
        ExternalAgentSettings a = agent.map(s -> new ExternalAgentSettings(command, s.timeout(), s.maxOutputBytes(), s.scratch()))
                .orElseGet(() -> ExternalAgentSettings.of(command));
        List<String> o = new ArrayList<>(order);
        if (!o.contains("external-agent")) {
            o.add(o.contains("llm-coder") ? o.indexOf("llm-coder") + 1 : 0, "external-agent");
        }
        return new MutatorConfig(o, coder, Optional.of(a));
    }

    /**
     * The configuration in {@code dataDir}/{@value #FILE_NAME}, or the AST operators alone when there is none.
     *
     * @throws IllegalArgumentException naming the file and key when a value is wrong
     */
    public static MutatorConfig read(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return astOnly();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return parse(p, dataDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The configuration in {@code p}; relative model paths resolve against {@code base}. */
    public static MutatorConfig parse(Properties p, Path base) {
        Optional<LlmCoderSettings> coder = Optional.ofNullable(p.getProperty("coder.model")).map(m -> {
            SamplingOptions greedy = SamplingOptions.greedy();
            float temperature = number(p, "coder.temperature", greedy.temperature());
            SamplingOptions sampling = temperature <= 0 ? greedy : SamplingOptions.defaults().withTemperature(temperature)
                    .withTopP(number(p, "coder.top_p", SamplingOptions.defaults().topP()));
            LlmCoderSettings d = LlmCoderSettings.of(base.resolve(m.strip()));
            return new LlmCoderSettings(d.model(), (int) number(p, "coder.context", d.contextLength()), (int) number(p, "coder.threads", d.threads()),
                    Optional.ofNullable(p.getProperty("coder.template")).map(String::strip), sampling, (long) number(p, "coder.seed", d.seed()),
                    (int) number(p, "coder.max_tokens", d.maxTokens()), (int) number(p, "coder.attempts", d.attempts()));
        });
        Optional<ExternalAgentSettings> agent = Optional.ofNullable(p.getProperty("agent.command")).map(c -> {
            ExternalAgentSettings d = ExternalAgentSettings.of(command(c));
            return d.withTimeout(Duration.ofSeconds((long) number(p, "agent.timeout_seconds", d.timeout().toSeconds())))
                    .withMaxOutputBytes((int) number(p, "agent.max_output_bytes", d.maxOutputBytes()));
        });
        List<String> order;
        String listed = p.getProperty("mutators");
        if (listed != null) {
            order = Arrays.stream(listed.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        } else {
            List<String> o = new ArrayList<>();
            coder.ifPresent(c -> o.add("llm-coder"));
            agent.ifPresent(a -> o.add("external-agent"));
            o.add("ast");
            order = o;
        }
        return new MutatorConfig(order, coder, agent);
    }

    /** A command as a JSON array of strings, or as words separated by spaces. */
    public static List<String> command(String text) {
        String t = text.strip();
        if (t.startsWith("[")) {
            try {
                return JSON.readValue(t, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new IllegalArgumentException("agent command '" + t + "' is not a JSON array of strings", e);
            }
        }
        List<String> words = Arrays.stream(t.split("\\s+")).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
            throw new IllegalArgumentException("agent command is empty");
        }
        return words;
    }

    private static float number(Properties p, String key, double fallback) {
        String v = p.getProperty(key);
        if (v == null) {
            return (float) fallback;
        }
        try {
            return Float.parseFloat(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }

    /**
     * The configured mutators, in order, ready to use (the coder's model loaded); close it to release the model.
     */
    public Opened open() {
        List<Mutator> out = new ArrayList<>();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            for (String name : order) {
                switch (name) {
                    case "ast" -> out.add(new AstMutator());
                    case "llm-coder" -> {
                        LlmCoderMutator c = LlmCoderMutator.load(coder.orElseThrow());
                        owned.add(c);
                        out.add(c);
                    }
                    case "external-agent" -> out.add(new ExternalAgentMutator(agent.orElseThrow()));
                    default -> throw new IllegalStateException("unknown mutator " + name);
                }
            }
        } catch (RuntimeException e) {
            new Opened(out, owned).close();
            throw e;
        }
        return new Opened(out, owned);
    }

    /** Mutators in use; closing releases what they hold (the coder's model). */
    public record Opened(List<Mutator> mutators, List<AutoCloseable> owned) implements AutoCloseable {
        public Opened {
            mutators = List.copyOf(mutators);
            owned = List.copyOf(owned);
        }

        @Override
        public void close() {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.getLogger(MutatorConfig.class.getName()).log(System.Logger.Level.WARNING, "cannot release a mutator: " + e.getMessage());
                }
            }
        }
    }
}
