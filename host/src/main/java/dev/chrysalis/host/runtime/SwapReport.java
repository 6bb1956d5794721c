package dev.chrysalis.host.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a completed swap or rollback did.
 *
 * @param cutover    from the call to new calls being served by the new version
 * @param duration   from the call to the last call on the old version finishing (the old bundle is then
 *                   uninstalled in the background)
 * @param provides   the services the new live version registers
 * @param phases     where {@code duration} went, phase by phase in the order they ran (see {@link PluginRuntime#swap});
 *                   their sum is {@code duration}
 * @param phaseCpu   the CPU time the changing thread spent in each of those phases (zero where it was not measured)
 * @param cpu        CPU time the thread that made the change spent on it (the rest of {@code duration} is waiting:
 *                   for a core, for disk, for calls in flight on the old version)
 */
public record SwapReport(Action action, String plugin, String fromVersion, String fromDigest, String toVersion,
                         String toDigest, Instant at, Duration cutover, Duration duration, List<String> provides,
                         Map<String, Duration> phases, Map<String, Duration> phaseCpu, Duration cpu) {
    public SwapReport {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(fromVersion, "fromVersion");
        Objects.requireNonNull(fromDigest, "fromDigest");
        Objects.requireNonNull(toVersion, "toVersion");
        Objects.requireNonNull(toDigest, "toDigest");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(cutover, "cutover");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(cpu, "cpu");
        provides = List.copyOf(provides);
        phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        phaseCpu = Collections.unmodifiableMap(new LinkedHashMap<>(phaseCpu));
    }

    /** A report without a timing breakdown (a swap recorded elsewhere, replayed from evidence). */
    public SwapReport(Action action, String plugin, String fromVersion, String fromDigest, String toVersion,
                      String toDigest, Instant at, Duration cutover, Duration duration, List<String> provides) {
        this(action, plugin, fromVersion, fromDigest, toVersion, toDigest, at, cutover, duration, provides, Map.of(),
                Map.of(), Duration.ZERO);
    }

    public enum Action { SWAP, ROLLBACK }
}
