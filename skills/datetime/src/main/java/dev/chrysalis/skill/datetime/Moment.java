package dev.chrysalis.skill.datetime;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** A point in time as precise as the user wrote it: a date, a local date-time, or a date-time in a zone. */
sealed interface Moment {
    DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    /** The wall-clock reading (a date means its start of day). */
    LocalDateTime local();

    String format();

    record DateOnly(LocalDate date) implements Moment {
        public LocalDateTime local() {
            return date.atStartOfDay();
        }

        public String format() {
            return date.toString();
        }
    }

    record Local(LocalDateTime dateTime) implements Moment {
        public LocalDateTime local() {
            return dateTime;
        }

        public String format() {
            return formatLocal(dateTime);
        }
    }

    record Zoned(ZonedDateTime dateTime) implements Moment {
        public LocalDateTime local() {
            return dateTime.toLocalDateTime();
        }

        public String format() {
            return formatZoned(dateTime);
        }
    }

    static String formatLocal(LocalDateTime t) {
        return t.getNano() == 0 ? LOCAL.format(t) : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
    }

    /** Offset form, plus the region in brackets when the zone is a region with changing offsets ("2026-03-01T15:00:00+01:00[Europe/Berlin]"). */
    static String formatZoned(ZonedDateTime t) {
        String base = t.getNano() == 0 ? OFFSET.format(t) : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
        ZoneId zone = t.getZone();
        return zone.normalized() instanceof ZoneOffset ? base : base + "[" + zone.getId() + "]";
    }
}
