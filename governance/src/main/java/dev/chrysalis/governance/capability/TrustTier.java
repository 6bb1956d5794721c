package dev.chrysalis.governance.capability;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * How far a bundle is trusted: the capabilities it may hold and whether its changes need a person.
 * These are the defaults; a policy file may narrow or widen them per tier.
 */
public enum TrustTier {
    /** Unknown origin: pure computation only, every change reviewed. */
    UNTRUSTED("untrusted", EnumSet.noneOf(Capability.class), HumanReview.ALWAYS),
    /** Shared by the community: may use its workspace files; every change reviewed. */
    COMMUNITY("community", EnumSet.of(Capability.FS_READ, Capability.FS_WRITE), HumanReview.ALWAYS),
    /** Reviewed and signed off: files, network and environment; changes that keep the capabilities may go automatically. */
    VERIFIED("verified", EnumSet.of(Capability.FS_READ, Capability.FS_WRITE, Capability.NET, Capability.ENV),
            HumanReview.ON_CAPABILITY_CHANGE),
    /** Part of the platform: may hold every capability, and every change is reviewed. */
    CORE("core", EnumSet.allOf(Capability.class), HumanReview.ALWAYS);

    private final String id;
    private final Set<Capability> defaultCapabilities;
    private final HumanReview defaultReview;

    TrustTier(String id, EnumSet<Capability> capabilities, HumanReview review) {
        this.id = id;
        this.defaultCapabilities = Set.copyOf(capabilities);
        this.defaultReview = review;
    }

    public String id() {
        return id;
    }

    public Set<Capability> defaultCapabilities() {
        return defaultCapabilities;
    }

    public HumanReview defaultReview() {
        return defaultReview;
    }

    public static Optional<TrustTier> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
