package dev.chrysalis.host.runtime;

import java.time.Instant;
import java.util.Objects;

/** A change to (or a refused change of) the live plugins, handed to the {@link BundleEventListener}. */
public sealed interface PluginEvent {

    String plugin();

    Instant at();

    /** A new jar went live. */
    record Swapped(SwapReport report) implements PluginEvent {
        public Swapped {
            Objects.requireNonNull(report, "report");
        }

        @Override
        public String plugin() {
            return report.plugin();
        }

        @Override
        public Instant at() {
            return report.at();
        }
    }

    /** The previous jar went live again. */
    record RolledBack(SwapReport report) implements PluginEvent {
        public RolledBack {
            Objects.requireNonNull(report, "report");
        }

        @Override
        public String plugin() {
            return report.plugin();
        }

        @Override
        public Instant at() {
            return report.at();
        }
    }

    /**
     * A swap or rollback was refused; the live version did not change.
     *
     * @param plugin the plugin name as asked for (symbolic name when it was resolved)
     * @param source the offered jar (or {@code rollback})
     * @param digest SHA-256 of the offered jar when it could be read, else empty
     */
    record Rejected(String plugin, String source, String digest, String reason, Instant at) implements PluginEvent {
        public Rejected {
            Objects.requireNonNull(plugin, "plugin");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(at, "at");
        }
    }
}
