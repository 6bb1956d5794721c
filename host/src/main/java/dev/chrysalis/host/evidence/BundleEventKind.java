package dev.chrysalis.host.evidence;

/** What happened to a plugin bundle; {@link #label()} is the form stored and shown. */
public enum BundleEventKind {
    INSTALLED("installed"),
    SWAPPED("swapped"),
    ROLLED_BACK("rolled-back"),
    REFUSED("refused");

    private final String label;

    BundleEventKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static BundleEventKind fromLabel(String label) {
        for (BundleEventKind k : values()) {
            if (k.label.equalsIgnoreCase(label) || k.name().equalsIgnoreCase(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown bundle event kind '" + label
                + "': expected installed, swapped, rolled-back or refused");
    }
}
