package dev.chrysalis.directory.osgi;

import java.util.Optional;

/**
 * An OSGi version range: {@code [1.0,2)}, {@code (1.0,1.5]}, or a bare version meaning "this or newer".
 */
public record VersionRange(Version floor, boolean floorInclusive, Optional<Version> ceiling, boolean ceilingInclusive) {
    public static final VersionRange ANY = new VersionRange(Version.ZERO, true, Optional.empty(), false);

    public static VersionRange parse(String text, String where) {
        String s = text.strip();
        if (s.isEmpty()) {
            return ANY;
        }
        char first = s.charAt(0);
        if (first != '[' && first != '(') {
            return new VersionRange(Version.parse(s, where), true, Optional.empty(), false);
        }
        char last = s.charAt(s.length() - 1);
        int comma = s.indexOf(',');
        if ((last != ']' && last != ')') || comma < 0) {
            throw new ManifestFormatException(where + ": '" + text + "' is not a version range like [1.0,2)");
        }
        Version floor = Version.parse(s.substring(1, comma), where);
        Version ceiling = Version.parse(s.substring(comma + 1, s.length() - 1), where);
        if (ceiling.compareTo(floor) < 0) {
            throw new ManifestFormatException(where + ": range '" + text + "' ends below its start");
        }
        return new VersionRange(floor, first == '[', Optional.of(ceiling), last == ']');
    }

    public boolean includes(Version v) {
        int lo = v.compareTo(floor);
        if (lo < 0 || (lo == 0 && !floorInclusive)) {
            return false;
        }
        if (ceiling.isEmpty()) {
            return true;
        }
        int hi = v.compareTo(ceiling.get());
        return hi < 0 || (hi == 0 && ceilingInclusive);
    }

    /** The range as an LDAP filter on {@code attribute}, as OSGi repositories write requirement filters. */
    public String filter(String attribute) {
        String lower = floorInclusive ? "(" + attribute + ">=" + floor + ")" : "(!(" + attribute + "<=" + floor + "))";
        if (ceiling.isEmpty()) {
            return lower;
        }
        String upper = ceilingInclusive ? "(" + attribute + "<=" + ceiling.get() + ")"
                : "(!(" + attribute + ">=" + ceiling.get() + "))";
        return "(&" + lower + upper + ")";
    }

    @Override
    public String toString() {
        if (ceiling.isEmpty()) {
            return floor.toString();
        }
        return (floorInclusive ? "[" : "(") + floor + "," + ceiling.get() + (ceilingInclusive ? "]" : ")");
    }
}
