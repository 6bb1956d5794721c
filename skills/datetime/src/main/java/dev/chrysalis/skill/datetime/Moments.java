package dev.chrysalis.skill.datetime;

import dev.chrysalis.spi.skill.SkillInputs;
import dev.chrysalis.spi.skill.SkillInputException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the date and time forms users write; relative words ("today") come from the injected clock (UTC). */
final class Moments {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[T ](\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?)\\s*(Z|[+-]\\d{2}(?::?\\d{2})?)?(?:\\s*\\[([^\\]]+)]|\\s+([A-Za-z][\\w/+\\-]*))?");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}:\\d{2}(?::\\d{2})?)\\s*(am|pm)?", Pattern.CASE_INSENSITIVE);

    private Moments() {
    }

    static Moment parse(String field, String text, Clock clock) throws SkillInputException {
        String s = text.strip();
        switch (s.toLowerCase(Locale.ROOT)) {
            case "today" -> {
                return new Moment.DateOnly(LocalDate.now(clock));
            }
            case "tomorrow" -> {
                return new Moment.DateOnly(LocalDate.now(clock).plusDays(1));
            }
            case "yesterday" -> {
                return new Moment.DateOnly(LocalDate.now(clock).minusDays(1));
            }
            case "now" -> {
                return new Moment.Zoned(ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC).withNano(0));
            }
            default -> {
            }
        }
        try {
            if (s.length() == 10) {
                return new Moment.DateOnly(LocalDate.parse(s, DATE));
            }
            Matcher m = DATE_TIME.matcher(s);
            if (m.matches()) {
                LocalDate date = LocalDate.parse(m.group(1), DATE);
                LocalTime time = time(m.group(2));
                LocalDateTime local = LocalDateTime.of(date, time);
                String zoneText = m.group(4) != null ? m.group(4) : m.group(5);
                if (m.group(3) != null) {
                    ZoneOffset offset = ZoneOffset.of(m.group(3).equals("Z") ? "Z" : normalizeOffset(m.group(3)));
                    ZonedDateTime at = OffsetDateTime.of(local, offset).toZonedDateTime();
                    return new Moment.Zoned(zoneText == null ? at : at.withZoneSameInstant(Zones.parse(field, zoneText)));
                }
                if (zoneText != null) {
                    return new Moment.Zoned(ZonedDateTime.ofLocal(local, Zones.parse(field, zoneText), null));
                }
                return new Moment.Local(local);
            }
        } catch (DateTimeException e) {
            throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(s) + "' is not a valid date ("
                    + reason(e) + ")");
        }
        throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(s) + "' is not a date or date-time "
                + "(expected e.g. 2026-03-01, 2026-03-01T14:30, 2026-03-01T14:30+01:00, 2026-03-01T14:30[Europe/Paris] or today)");
    }

    /** A time of day alone ("09:30", "9:30 pm"), for conversions between zones. */
    static LocalTime parseTimeOfDay(String field, String text) throws SkillInputException {
        Matcher m = TIME.matcher(text.strip());
        if (!m.matches()) {
            throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(text.strip()) + "' is not a time of day");
        }
        try {
            LocalTime t = time(m.group(1));
            if (m.group(2) != null) {
                if (t.getHour() < 1 || t.getHour() > 12) {
                    throw new SkillInputException("field '" + field + "': '" + text.strip() + "' mixes a 24-hour time with am/pm");
                }
                boolean pm = m.group(2).equalsIgnoreCase("pm");
                t = t.withHour(t.getHour() % 12 + (pm ? 12 : 0));
            }
            return t;
        } catch (DateTimeException e) {
            throw new SkillInputException("field '" + field + "': '" + text.strip() + "' is not a valid time (" + reason(e) + ")");
        }
    }

    static boolean looksLikeTimeOfDay(String text) {
        return TIME.matcher(text.strip()).matches();
    }

    private static LocalTime time(String text) {
        String t = text.indexOf(':') == 1 ? "0" + text : text;
        return LocalTime.parse(t);
    }

    private static String normalizeOffset(String offset) {
        if (offset.length() == 5 && offset.indexOf(':') < 0) {
            return offset.substring(0, 3) + ":" + offset.substring(3);
        }
        return offset;
    }

    private static String reason(RuntimeException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int colon = m.indexOf(": ");
        return colon > 0 && m.startsWith("Text ") ? m.substring(colon + 2) : m;
    }
}
