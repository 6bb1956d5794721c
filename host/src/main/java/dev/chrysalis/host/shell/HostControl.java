package dev.chrysalis.host.shell;

import dev.chrysalis.host.Host;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.agent.AgentSession;
import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.host.evidence.EvidenceBundleEvents;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.host.evidence.EvidenceStoreException;
import dev.chrysalis.host.evidence.EvidenceTurnRecorder;
import dev.chrysalis.host.runtime.PluginInfo;
import dev.chrysalis.host.runtime.PluginOperationException;
import dev.chrysalis.host.runtime.PluginRuntime;
import dev.chrysalis.host.runtime.SwapReport;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.host.evidence.BundleEvent;
import dev.chrysalis.host.evidence.BundleEventKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a person at the shell or the command line works with: the host (live plugins and the agent), one
 * agent session and the evidence store every turn and plugin change is recorded in. The shell's commands and
 * the CLI's subcommands are thin over this. Closing it closes the session, stops the host and closes the store.
 */
public final class HostControl implements AutoCloseable {
    private final Host host;
    private final AgentSession session;
    private final EvidenceStore evidence;

    private HostControl(Host host, AgentSession session, EvidenceStore evidence) {
        this.host = Objects.requireNonNull(host, "host");
        this.session = Objects.requireNonNull(session, "session");
        this.evidence = Objects.requireNonNull(evidence, "evidence");
    }

    /**
     * Opens the evidence store under {@code config.dataDir()}, starts the host recording into it (whatever
     * recorder and listener {@code config} names are replaced) and opens a new session.
     */
    public static HostControl open(HostConfig config) {
        EvidenceStore store = EvidenceStore.open(config.dataDir(), config.clock());
        Host host;
        try {
            host = Host.start(config.withRecorder(new EvidenceTurnRecorder(store))
                    .withListener(new EvidenceBundleEvents(store)));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            recordInstalls(host, store, config.clock().instant());
        } catch (RuntimeException e) {
            host.close();
            store.close();
            throw e;
        }
        return new HostControl(host, host.agent().newSession(), store);
    }

    /**
     * Notes each plugin that went live at start-up with a jar the evidence store has not seen live before
     * (a first start, a rebuilt shipped skill, a jar changed outside Chrysalis): swaps and rollbacks are
     * recorded as they happen, installs here, so the bundle history has no gaps.
     */
    private static void recordInstalls(Host host, EvidenceStore store, Instant now) {
        Map<String, String> known = store.lastLiveDigests();
        for (PluginInfo p : host.runtime().plugins()) {
            String before = known.get(p.symbolicName());
            if (!p.digest().equals(before)) {
                store.recordBundleEvent(BundleEvent.of(now, BundleEventKind.INSTALLED, p.symbolicName(),
                        Optional.ofNullable(before), Optional.of(p.digest()),
                        "version " + p.version() + " live at start-up from " + p.liveJar()));
            }
        }
    }

    public String sessionId() {
        return session.id();
    }

    /** Runs one turn; the answer comes with the id the turn was stored under. */
    public Answer ask(String message) {
        return ask(message, part -> { });
    }

    /** As {@link #ask(String)}, handing parts of the answer to {@code partials} as a streaming brain makes them. */
    public Answer ask(String message, Consumer<String> partials) {
        CompletedTurn turn = session.ask(message, partials);
        long id = evidence.turnId(turn.sessionId(), turn.turnIndex()).orElseThrow(() -> new EvidenceStoreException(
                "turn " + turn.turnIndex() + " of session " + turn.sessionId() + " was answered but is not in the evidence store"));
        return new Answer(turn.answer(), id, turn.failures().stream()
                .map(f -> f.kind() + " in " + f.source() + ": " + f.message()).toList());
    }

    /** The installed skills, by name, with the bundle serving each. */
    public List<SkillSummary> skills() {
        List<SkillSummary> out = new ArrayList<>();
        for (SkillDescriptor d : plugins().catalogue()) {
            Optional<PluginInfo> plugin = plugins().plugin(d.name());
            out.add(new SkillSummary(d.name(), d.description(),
                    plugin.map(PluginInfo::symbolicName).orElse("?"),
                    plugin.map(PluginInfo::version).orElse("?"),
                    plugin.map(PluginInfo::digest).orElse("?")));
        }
        return out;
    }

    /** The live plugins by the short name swap and rollback accept (the last segment of the symbolic name). */
    public List<String> pluginNames() {
        return plugins().plugins().stream()
                .map(p -> p.symbolicName().substring(p.symbolicName().lastIndexOf('.') + 1)).sorted().toList();
    }

    /** SKILL.md of a skill (or plugin), when there is such a skill and it ships one. */
    public Optional<String> skillDocument(String name) {
        return plugins().skillDocument(name);
    }

    public SwapReport swap(String plugin, Path jar) throws PluginOperationException {
        return plugins().swap(plugin, jar);
    }

    public SwapReport rollback(String plugin) throws PluginOperationException {
        return plugins().rollback(plugin);
    }

    public EvidenceStore evidence() {
        return evidence;
    }

    public PluginRuntime plugins() {
        return host.runtime();
    }

    public Host host() {
        return host;
    }

    @Override
    public void close() {
        try (evidence; host; session) {
            // closes the session, then the host, then the store (reverse order of the resources)
        }
    }
}
