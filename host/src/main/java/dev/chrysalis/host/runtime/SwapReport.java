package dev.chrysalis.host.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a completed swap or rollback did.
 *
 * @param cutover    from the call to new calls being served by the new version
 * @param duration   from the call to the last call on the old version finishing (the old bundle is then
 *                   uninstalled in the background)
 * @param provides   the services the new live version registers
 */
public record SwapReport(Action action, String plugin, String fromVersion, String fromDigest, String toVersion,
                         String toDigest, Instant at, Duration cutover, Duration duration, List<String> provides) {
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
        provides = List.copyOf(provides);
    }

    public enum Action { SWAP, ROLLBACK }
}
