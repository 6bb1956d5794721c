package dev.chrysalis.host.evidence;

import dev.chrysalis.host.runtime.BundleEventListener;
import dev.chrysalis.host.runtime.PluginEvent;
import dev.chrysalis.host.runtime.SwapReport;
import java.util.Optional;

/** Records the runtime's swaps, rollbacks and refusals in the evidence store's {@code bundle_events}. */
public final class EvidenceBundleEvents implements BundleEventListener {
    private final EvidenceStore store;

    public EvidenceBundleEvents(EvidenceStore store) {
        this.store = store;
    }

    @Override
    public void onEvent(PluginEvent event) {
        store.recordBundleEvent(toBundleEvent(event));
    }

    static BundleEvent toBundleEvent(PluginEvent event) {
        return switch (event) {
            case PluginEvent.Swapped(SwapReport r) -> fromReport(BundleEventKind.SWAPPED, r);
            case PluginEvent.RolledBack(SwapReport r) -> fromReport(BundleEventKind.ROLLED_BACK, r);
            case PluginEvent.Rejected(String plugin, String source, String digest, String reason, var at) ->
                    BundleEvent.of(at, BundleEventKind.REFUSED, plugin, Optional.empty(),
                            digest.isEmpty() ? Optional.empty() : Optional.of(digest), reason + " (offered: " + source + ")");
        };
    }

    private static BundleEvent fromReport(BundleEventKind kind, SwapReport r) {
        String detail = "version " + r.fromVersion() + " -> " + r.toVersion()
                + ", new calls served after " + millis(r.cutover()) + " ms, old version retired after "
                + millis(r.duration()) + " ms" + (r.provides().isEmpty() ? "" : ", provides " + String.join(", ", r.provides()));
        return BundleEvent.of(r.at(), kind, r.plugin(), Optional.of(r.fromDigest()), Optional.of(r.toDigest()), detail);
    }

    private static String millis(java.time.Duration d) {
        return String.format(java.util.Locale.ROOT, "%.2f", d.toNanos() / 1e6);
    }
}
