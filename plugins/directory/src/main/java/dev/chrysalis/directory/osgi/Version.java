package dev.chrysalis.directory.osgi;

import java.util.Comparator;
import java.util.Objects;

/** An OSGi version {@code major.minor.micro.qualifier}, ordered as the OSGi core specification orders them. */
public record Version(int major, int minor, int micro, String qualifier) implements Comparable<Version> {
    public static final Version ZERO = new Version(0, 0, 0, "");
    private static final Comparator<Version> ORDER = Comparator.comparingInt(Version::major)
            .thenComparingInt(Version::minor).thenComparingInt(Version::micro).thenComparing(Version::qualifier);

    public Version {
        if (major < 0 || minor < 0 || micro < 0) {
            throw new ManifestFormatException("version parts must not be negative: " + major + "." + minor + "." + micro);
        }
        Objects.requireNonNull(qualifier, "qualifier");
        if (!qualifier.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-')) {
            throw new ManifestFormatException("version qualifier '" + qualifier + "' may hold only A-Z a-z 0-9 _ -");
        }
    }

    /** @throws ManifestFormatException naming {@code where} and the text */
    public static Version parse(String text, String where) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new ManifestFormatException(where + ": empty version");
        }
        String[] parts = s.split("\\.", 4);
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            int micro = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
            String qualifier = parts.length > 3 ? parts[3] : "";
            if (parts.length > 3 && qualifier.isEmpty()) {
                throw new ManifestFormatException(where + ": version '" + text + "' ends with a dot");
            }
            return new Version(major, minor, micro, qualifier);
        } catch (NumberFormatException e) {
            throw new ManifestFormatException(where + ": '" + text + "' is not an OSGi version (major.minor.micro.qualifier)");
        } catch (ManifestFormatException e) {
            throw new ManifestFormatException(where + ": " + e.getMessage());
        }
    }

    @Override
    public int compareTo(Version o) {
        return ORDER.compare(this, o);
    }

    public boolean isNewerThan(Version o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + micro + (qualifier.isEmpty() ? "" : "." + qualifier);
    }
}
