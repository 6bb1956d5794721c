package dev.chrysalis.skill.datetime;

import dev.chrysalis.spi.skill.SkillInputs;
import dev.chrysalis.spi.skill.SkillInputException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of calendar time (years, months, days: added on the calendar, so Jan 31 + 1 month = Feb 28/29)
 * plus an exact duration (hours, minutes, seconds).
 */
record Span(Period period, Duration duration) {
    private static final Pattern PART = Pattern.compile(
            "(\\d+(?:\\.\\d+)?)\\s*(years?|yrs?|y|months?|mos?|weeks?|wks?|w|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SEPARATOR = Pattern.compile("\\s*(?:,|\\band\\b|\\+)?\\s*", Pattern.CASE_INSENSITIVE);
    private static final long MAX_AMOUNT = 1_000_000_000L;

    Span negated() {
        return new Span(period.negated(), duration.negated());
    }

    boolean isZero() {
        return period.isZero() && duration.isZero();
    }

    /** ISO 8601 form, e.g. P1Y2M3DT4H; a negative span is written with a leading minus. */
    String iso() {
        if (isZero()) {
            return "P0D";
        }
        boolean negative = period.isNegative() || duration.isNegative();
        Period p = negative ? period.negated() : period;
        Duration d = negative ? duration.negated() : duration;
        StringBuilder sb = new StringBuilder(negative ? "-P" : "P");
        if (p.getYears() != 0) sb.append(p.getYears()).append('Y');
        if (p.getMonths() != 0) sb.append(p.getMonths()).append('M');
        if (p.getDays() != 0) sb.append(p.getDays()).append('D');
        if (!d.isZero()) {
            sb.append('T');
            long h = d.toHours();
            int m = d.toMinutesPart();
            int s = d.toSecondsPart();
            if (h != 0) sb.append(h).append('H');
            if (m != 0) sb.append(m).append('M');
            if (s != 0 || d.toNanosPart() != 0) {
                sb.append(d.toNanosPart() == 0 ? String.valueOf(s)
                        : BigDecimal.valueOf(s).add(BigDecimal.valueOf(d.toNanosPart(), 9)).stripTrailingZeros().toPlainString());
                sb.append('S');
            }
        }
        return sb.toString();
    }

    /** ISO 8601 ("P1Y2M", "PT90M", "P3W", "P1DT12H") or words ("3 weeks", "1 year, 2 months and 5 days", "1.5 hours"). */
    static Span parse(String field, String text) throws SkillInputException {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new SkillInputException("field '" + field + "' is empty: give a period such as \"3 weeks\" or P1Y2M");
        }
        if (s.length() > 200) {
            throw new SkillInputException("field '" + field + "' is too long for a period (" + s.length() + " characters)");
        }
        if (s.matches("(?i)-?P.*")) {
            return iso(field, s);
        }
        Period period = Period.ZERO;
        Duration duration = Duration.ZERO;
        int at = 0;
        boolean any = false;
        Matcher part = PART.matcher(s);
        Matcher sep = SEPARATOR.matcher(s);
        while (at < s.length()) {
            if (any) {
                sep.region(at, s.length());
                if (sep.lookingAt()) {
                    at = sep.end();
                }
            }
            part.region(at, s.length());
            if (!part.lookingAt()) {
                throw new SkillInputException("field '" + field + "': cannot read '" + SkillInputs.abbreviate(s.substring(at))
                        + "' in period '" + SkillInputs.abbreviate(s) + "' (expected e.g. \"3 weeks\", \"2 days and 4 hours\" or P1Y2M)");
            }
            BigDecimal amount = new BigDecimal(part.group(1));
            if (amount.compareTo(BigDecimal.valueOf(MAX_AMOUNT)) > 0) {
                throw new SkillInputException("field '" + field + "': amount " + part.group(1) + " is too large");
            }
            String unit = part.group(2).toLowerCase(Locale.ROOT);
            char u = unit.charAt(0);
            boolean calendar = u == 'y' || u == 'w' || u == 'd' || unit.startsWith("mo");
            if (calendar) {
                if (amount.stripTrailingZeros().scale() > 0) {
                    throw new SkillInputException("field '" + field + "': '" + part.group().strip()
                            + "': years, months, weeks and days must be whole numbers");
                }
                int n = amount.intValueExact();
                period = switch (u) {
                    case 'y' -> period.plusYears(n);
                    case 'w' -> period.plusDays(7L * n);
                    case 'd' -> period.plusDays(n);
                    default -> period.plusMonths(n);
                };
            } else {
                long seconds = switch (u) {
                    case 'h' -> 3600;
                    case 'm' -> 60;
                    default -> 1;
                };
                BigDecimal nanos = amount.multiply(BigDecimal.valueOf(seconds)).movePointRight(9);
                duration = duration.plusNanos(nanos.longValue());
            }
            any = true;
            at = part.end();
        }
        return new Span(period, duration);
    }

    private static Span iso(String field, String s) throws SkillInputException {
        boolean negative = s.startsWith("-");
        String body = (negative ? s.substring(1) : s).toUpperCase(Locale.ROOT);
        int t = body.indexOf('T');
        try {
            Period p = t == 1 ? Period.ZERO : Period.parse(t < 0 ? body : body.substring(0, t));
            Duration d = t < 0 ? Duration.ZERO : Duration.parse("PT" + body.substring(t + 1));
            Span span = new Span(p, d);
            return negative ? span.negated() : span;
        } catch (DateTimeParseException e) {
            throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(s)
                    + "' is not an ISO 8601 period (expected e.g. P1Y2M, P3W, PT90M or P1DT12H)");
        }
    }
}
