package dev.chrysalis.directory;

import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.directory.keys.TrustedKeys;
import dev.chrysalis.directory.osgi.BundleMetadata;
import dev.chrysalis.governance.capability.CapabilityVerdict;
import dev.chrysalis.governance.capability.TrustTier;

/**
 * A bundle whose jar matched its entry's hash, whose entry carries a good signature by a trusted key, and
 * whose manifest names the entry's id and version; with the governance capability verdict under {@code tier}.
 *
 * @param tier the tier it would run under: the one the entry claims, capped by the key's highest tier
 */
public record Verification(IndexEntry entry, byte[] jar, BundleMetadata metadata, TrustedKeys.Trusted key, TrustTier tier,
                           CapabilityVerdict verdict) {
    public boolean safe() {
        return verdict instanceof CapabilityVerdict.Safe;
    }
}
