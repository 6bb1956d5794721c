package dev.chrysalis.skill.datetime;

import dev.chrysalis.spi.skill.SkillInputs;
import dev.chrysalis.spi.skill.SkillInputException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a time zone: an IANA id in any case ("europe/berlin"), a city alone ("Tokyo", "New York"),
 * UTC/GMT with or without an offset, a bare offset ("+05:30"), or a common abbreviation (EST, PST, CET).
 */
final class Zones {
    /** Lower-cased IANA id -> id (immutable). */
    private static final Map<String, String> BY_LOWER = index(false);
    /** Lower-cased city ("new york") -> id (immutable); the first id in sorted order wins. */
    private static final Map<String, String> BY_CITY = index(true);

    private static Map<String, String> index(boolean byCity) {
        Map<String, String> map = new TreeMap<>();
        for (String id : new java.util.TreeSet<>(ZoneId.getAvailableZoneIds())) {
            int slash = id.lastIndexOf('/');
            if (!byCity) {
                map.put(id.toLowerCase(Locale.ROOT), id);
            } else if (slash > 0 && !id.startsWith("Etc/") && !id.startsWith("SystemV/")) {
                map.putIfAbsent(id.substring(slash + 1).replace('_', ' ').toLowerCase(Locale.ROOT), id);
            }
        }
        return Map.copyOf(map);
    }

    private Zones() {
    }

    static ZoneId parse(String field, String text) throws SkillInputException {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new SkillInputException("field '" + field + "' is empty: name a time zone such as Europe/Paris or UTC");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        try {
            if (lower.equals("utc") || lower.equals("gmt") || lower.equals("z") || lower.equals("zulu")) {
                return ZoneId.of("UTC");
            }
            if (lower.matches("(?:utc|gmt)\\s*[+-]\\d{1,2}(?::?\\d{2})?")) {
                return ZoneId.of("UTC" + normalizeOffset(s.substring(3).strip()));
            }
            if (s.matches("[+-]\\d{1,2}(?::?\\d{2})?")) {
                return ZoneId.of(normalizeOffset(s));
            }
            String id = BY_LOWER.get(lower);
            if (id == null) {
                id = BY_LOWER.get(lower.replace(' ', '_'));
            }
            if (id == null) {
                id = BY_CITY.get(lower.replace('_', ' '));
            }
            if (id == null) {
                String upper = s.toUpperCase(Locale.ROOT);
                id = ZoneId.SHORT_IDS.get(upper);
                if (id == null && (upper.equals("CET") || upper.equals("EET") || upper.equals("WET") || upper.equals("MET"))) {
                    id = upper;
                }
            }
            if (id != null) {
                return ZoneId.of(id);
            }
        } catch (DateTimeException e) {
            // reported below
        }
        throw new SkillInputException("unknown time zone '" + SkillInputs.abbreviate(s) + "' in '" + field
                + "' (use an IANA id such as Europe/Paris or America/New_York, UTC, or an offset such as +05:30)");
    }

    private static String normalizeOffset(String offset) {
        String sign = offset.substring(0, 1);
        String rest = offset.substring(1).replace(":", "");
        String hours = rest.length() <= 2 ? rest : rest.substring(0, rest.length() - 2);
        String minutes = rest.length() <= 2 ? "00" : rest.substring(rest.length() - 2);
        if (hours.length() == 1) {
            hours = "0" + hours;
        }
        return sign + hours + ":" + minutes;
    }
}
