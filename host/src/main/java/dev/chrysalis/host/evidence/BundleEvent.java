package dev.chrysalis.host.evidence;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A change to the installed plugins (or a refused one).
 *
 * @param fromDigest SHA-256 of the jar that served before (absent for a first install)
 * @param toDigest   SHA-256 of the jar that serves after (absent when a swap was refused before hashing)
 * @param detail     what people should know (e.g. the refusal reason)
 */
public record BundleEvent(long id, Instant time, BundleEventKind kind, String plugin, Optional<String> fromDigest,
                          Optional<String> toDigest, String detail) {
    public BundleEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(fromDigest, "fromDigest");
        Objects.requireNonNull(toDigest, "toDigest");
        Objects.requireNonNull(detail, "detail");
    }

    /** An event not stored yet (its id is assigned by the store). */
    public static BundleEvent of(Instant time, BundleEventKind kind, String plugin, Optional<String> fromDigest,
                                 Optional<String> toDigest, String detail) {
        return new BundleEvent(0, time, kind, plugin, fromDigest, toDigest, detail);
    }
}
