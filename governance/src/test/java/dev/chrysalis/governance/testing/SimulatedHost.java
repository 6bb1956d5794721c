package dev.chrysalis.governance.testing;

import dev.chrysalis.governance.promotion.CallObservation;
import dev.chrysalis.governance.promotion.CallRouting;
import dev.chrysalis.governance.promotion.LiveSwitch;
import dev.chrysalis.governance.promotion.Route;
import dev.chrysalis.governance.promotion.SwitchException;
import dev.chrysalis.governance.promotion.TrafficTap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A host stand-in for promotion tests: plugins are functions keyed by digest, the live digest of each plugin
 * is kept in a file (replaced atomically and forced to disk, as a real host keeps its installed-bundle state),
 * staged versions and routings live in memory only and so vanish with the process, as they would in a host.
 */
public final class SimulatedHost implements LiveSwitch, TrafficTap {
    private final Path stateFile;
    private final Map<String, Function<String, String>> behaviours;
    private final Map<String, String> live = new TreeMap<>();
    private final Map<String, Set<String>> staged = new HashMap<>();
    private final Map<String, CallRouting> routings = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    private final Set<String> failingSwaps = new HashSet<>();
    public final List<String> events = new ArrayList<>();

    public SimulatedHost(Path stateFile, Map<String, Function<String, String>> behaviours) {
        this.stateFile = stateFile;
        this.behaviours = Map.copyOf(behaviours);
        if (Files.exists(stateFile)) {
            try {
                for (String line : Files.readAllLines(stateFile)) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        live.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Installs {@code digest} as live without any promotion (the state before a test). */
    public synchronized void install(String plugin, String digest) {
        live.put(plugin, digest);
        persist();
    }

    public synchronized void failSwapsTo(String digest) {
        failingSwaps.add(digest);
    }

    public boolean routed(String plugin) {
        return routings.containsKey(plugin);
    }

    public synchronized Set<String> stagedOf(String plugin) {
        return Set.copyOf(staged.getOrDefault(plugin, Set.of()));
    }

    @Override
    public synchronized Optional<String> liveDigest(String plugin) {
        return Optional.ofNullable(live.get(plugin));
    }

    @Override
    public synchronized void stage(String plugin, String digest, Path artifact) throws SwitchException {
        if (!behaviours.containsKey(digest)) {
            throw new SwitchException("cannot stage " + plugin + "@" + digest + ": unknown bundle");
        }
        staged.computeIfAbsent(plugin, k -> new HashSet<>()).add(digest);
        events.add("stage " + digest);
    }

    @Override
    public synchronized void swapTo(String plugin, String digest) throws SwitchException {
        if (failingSwaps.contains(digest)) {
            throw new SwitchException("bundle " + plugin + "@" + digest + " failed to start");
        }
        if (!behaviours.containsKey(digest)) {
            throw new SwitchException("cannot swap " + plugin + " to unknown " + digest);
        }
        if (!digest.equals(live.get(plugin))) {
            events.add("swap " + live.get(plugin) + " -> " + digest);
            live.put(plugin, digest);
            persist();
        }
    }

    @Override
    public synchronized void uninstall(String plugin) {
        if (live.remove(plugin) != null) {
            events.add("uninstall " + plugin);
            persist();
        }
    }

    @Override
    public synchronized void unstage(String plugin, String digest) {
        if (staged.getOrDefault(plugin, new HashSet<>()).remove(digest)) {
            events.add("unstage " + digest);
        }
    }

    @Override
    public void install(String plugin, CallRouting routing) {
        routings.put(plugin, routing);
    }

    @Override
    public void remove(String plugin) {
        routings.remove(plugin);
    }

    /** One call of {@code plugin} as the host would make it: routed, carried out, observed. Returns the caller's answer. */
    public String call(String plugin, String session, String input) {
        return call(plugin, session, input, 0);
    }

    /** A call on which the host also saw {@code risk} (e.g. its guard denied a file access). */
    public String call(String plugin, String session, String input, double risk) {
        CallRouting routing = routings.get(plugin);
        String liveDigest = liveDigest(plugin).orElseThrow(() -> new IllegalStateException(plugin + " is not installed"));
        Route route = routing == null ? new Route.Live() : routing.route(session, plugin + "#" + calls.incrementAndGet());
        switch (route) {
            case Route.Live l -> {
                return runObserved(routing, plugin, liveDigest, session, input, risk);
            }
            case Route.Candidate c -> {
                requireLoaded(plugin, c.candidate());
                return runObserved(routing, plugin, c.candidate(), session, input, risk);
            }
            case Route.Shadow s -> {
                requireLoaded(plugin, s.candidate());
                String answer = null;
                RuntimeException liveFailure = null;
                try {
                    answer = behaviours.get(liveDigest).apply(input);
                } catch (RuntimeException e) {
                    liveFailure = e;
                }
                boolean candidateFailed = false;
                boolean same = false;
                try {
                    String shadowAnswer = behaviours.get(s.candidate()).apply(input);
                    same = shadowAnswer.equals(answer);
                } catch (RuntimeException e) {
                    candidateFailed = true;
                }
                routing.observe(new CallObservation(session, liveDigest, liveFailure != null, false, risk,
                        Optional.of(new CallObservation.ShadowResult(candidateFailed, same))));
                if (liveFailure != null) {
                    throw liveFailure;
                }
                return answer;
            }
        }
    }

    private String runObserved(CallRouting routing, String plugin, String digest, String session, String input, double risk) {
        try {
            String answer = behaviours.get(digest).apply(input);
            if (routing != null) {
                routing.observe(new CallObservation(session, digest, false, false, risk, Optional.empty()));
            }
            return answer;
        } catch (RuntimeException e) {
            if (routing != null) {
                routing.observe(new CallObservation(session, digest, true, false, risk, Optional.empty()));
            }
            throw e;
        }
    }

    private synchronized void requireLoaded(String plugin, String digest) {
        if (!staged.getOrDefault(plugin, Set.of()).contains(digest) && !digest.equals(live.get(plugin))) {
            throw new IllegalStateException(plugin + "@" + digest + " is routed to but not loaded");
        }
    }

    private void persist() {
        StringBuilder sb = new StringBuilder();
        live.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        try {
            Files.createDirectories(stateFile.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
