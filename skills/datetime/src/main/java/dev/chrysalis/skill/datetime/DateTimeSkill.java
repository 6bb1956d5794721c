package dev.chrysalis.skill.datetime;

import dev.chrysalis.spi.skill.SkillInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillExample;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Date and time arithmetic; "now" and relative words come from the context's clock. See SKILL.md. */
@Component(service = Skill.class)
public final class DateTimeSkill implements Skill {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final List<String> OPERATIONS = List.of("diff", "add", "subtract", "weekday", "convert", "now");
    private static final Map<String, String> OPERATION_ALIASES = Map.of("difference", "diff", "between", "diff",
            "plus", "add", "minus", "subtract", "day", "weekday", "dayofweek", "weekday", "timezone", "convert",
            "zone", "convert", "today", "now");

    private static final String DATE = "\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?|today|tomorrow|yesterday|now";
    private static final String UNITS = "(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)";
    private static final String PERIOD = "P[\\dYMWDTHS.]+|\\d+(?:\\.\\d+)?\\s*" + UNITS + "(?:(?:\\s*,\\s*|\\s+and\\s+|\\s+)\\d+(?:\\.\\d+)?\\s*" + UNITS + ")*";
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}[T ]\\d{1,2}:\\d{2}(?::\\d{2})?|\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s*[ap]m)?";
    private static final String ZONE = "[a-z][a-z_]*(?:/[a-z_\\-0-9+]+)*|(?:utc|gmt)?[+-]\\d{1,2}(?::?\\d{2})?";
    private static final String PLACE = "[a-z][a-z_ ]*(?:/[a-z_ \\-0-9+]+)*|(?:utc|gmt)?[+-]\\d{1,2}(?::?\\d{2})?";

    @Override
    public String name() {
        return "datetime";
    }

    @Override
    public String description() {
        return "Date and time arithmetic: days between two dates, adding or subtracting periods (\"3 weeks\", P1Y2M), "
                + "the weekday of a date, converting a time between time zones, and the current time.";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        ObjectNode op = p.putObject("operation").put("type", "string");
        OPERATIONS.forEach(op.putArray("enum")::add);
        p.putObject("start").put("type", "string").put("description", "diff: the earlier date or date-time");
        p.putObject("end").put("type", "string").put("description", "diff: the later date or date-time");
        p.putObject("date").put("type", "string").put("description", "add/subtract/weekday: a date or date-time, or today");
        p.putObject("period").put("type", "string").put("description", "add/subtract: \"3 weeks\", \"1 year and 2 days\" or ISO P1Y2M");
        p.putObject("amount").put("type", "integer").put("description", "add/subtract: instead of period, an amount of 'unit'");
        p.putObject("unit").put("type", "string").put("description", "add/subtract: days, weeks, months, years, hours, minutes or seconds");
        p.putObject("time").put("type", "string").put("description", "convert: a date-time or a time of day");
        p.putObject("from").put("type", "string").put("description", "convert: the time zone of 'time' (IANA id, e.g. America/New_York)");
        p.putObject("to").put("type", "string").put("description", "convert: the time zone to convert into");
        p.putObject("zone").put("type", "string").put("description", "now: the time zone to report in (default UTC)");
        schema.putArray("required").add("operation");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(
                example("how many days between 2024-01-01 and 2024-03-01", Map.of("operation", "diff", "start", "2024-01-01", "end", "2024-03-01")),
                example("what weekday is 2026-12-25", Map.of("operation", "weekday", "date", "2026-12-25")),
                example("add 3 weeks to 2024-03-01", Map.of("operation", "add", "period", "3 weeks", "date", "2024-03-01")),
                example("90 days before 2026-05-10", Map.of("operation", "subtract", "period", "90 days", "date", "2026-05-10")),
                example("convert 2026-03-01 09:00 from America/New_York to Europe/Berlin",
                        Map.of("operation", "convert", "time", "2026-03-01 09:00", "from", "America/New_York", "to", "Europe/Berlin")),
                example("what time is it in Asia/Tokyo", Map.of("operation", "now", "zone", "Asia/Tokyo")),
                example("how many days until 2026-12-25", Map.of("operation", "diff", "start", "today", "end", "2026-12-25")),
                example("weekday of 2024-02-29", Map.of("operation", "weekday", "date", "2024-02-29")),
                example("difference between 2026-01-01T08:00 and 2026-01-02T17:30", Map.of("operation", "diff", "start", "2026-01-01T08:00", "end", "2026-01-02T17:30")),
                example("2026-01-31 plus 1 month", Map.of("operation", "add", "date", "2026-01-31", "period", "1 month")),
                example("what date is 100 days from 2026-01-01", Map.of("operation", "add", "period", "100 days", "date", "2026-01-01")),
                example("subtract 2 weeks from 2026-03-01", Map.of("operation", "subtract", "period", "2 weeks", "date", "2026-03-01")),
                example("2026-03-01 minus P1Y", Map.of("operation", "subtract", "date", "2026-03-01", "period", "P1Y")),
                example("what is 14:00 Europe/London in Asia/Kolkata", Map.of("operation", "convert", "time", "14:00", "from", "Europe/London", "to", "Asia/Kolkata")),
                example("what is the date today", Map.of("operation", "now")));
    }

    private static SkillExample example(String utterance, Map<String, String> args) {
        ObjectNode node = NODES.objectNode();
        args.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> node.put(e.getKey(), e.getValue()));
        return new SkillExample(utterance, node);
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return List.of(
                new RoutePattern("(?:what|which) (?:day of the week|weekday|day) (?:is|was|will be|falls on|is it on) (?<date>" + DATE + ")", Map.of("operation", "weekday"), 5),
                new RoutePattern("(?:weekday|day of the week) (?:of|for|on) (?<date>" + DATE + ")", Map.of("operation", "weekday"), 5),
                new RoutePattern("(?:how many )?(?:days|weeks|months|years|time)(?: are there| is it| has it been| will it be)? (?:between|from) (?<start>" + DATE + ") (?:and|to|until|till) (?<end>" + DATE + ")", Map.of("operation", "diff"), 5),
                new RoutePattern("(?:(?:what is|what's) the )?(?:difference|time|duration) between (?<start>" + DATE + ") and (?<end>" + DATE + ")", Map.of("operation", "diff"), 5),
                new RoutePattern("how (?:long|many days) (?:is it )?(?:until|till|to) (?<end>" + DATE + ")", Map.of("operation", "diff", "start", "today"), 5),
                new RoutePattern("add (?<period>" + PERIOD + ") to (?<date>" + DATE + ")", Map.of("operation", "add"), 5),
                new RoutePattern("(?<date>" + DATE + ") plus (?<period>" + PERIOD + ")", Map.of("operation", "add"), 5),
                new RoutePattern("(?:what (?:date|day|time) (?:is|will it be) )?(?<period>" + PERIOD + ") (?:after|from) (?<date>" + DATE + ")", Map.of("operation", "add"), 5),
                new RoutePattern("subtract (?<period>" + PERIOD + ") from (?<date>" + DATE + ")", Map.of("operation", "subtract"), 5),
                new RoutePattern("(?<date>" + DATE + ") minus (?<period>" + PERIOD + ")", Map.of("operation", "subtract"), 5),
                new RoutePattern("(?:what (?:date|day|time) (?:is|was) )?(?<period>" + PERIOD + ") (?:before|earlier than|prior to) (?<date>" + DATE + ")", Map.of("operation", "subtract"), 5),
                new RoutePattern("convert (?<time>" + TIME + ") (?:from )?(?<from>" + ZONE + ") (?:to|into|in) (?<to>" + ZONE + ")", Map.of("operation", "convert"), 5),
                new RoutePattern("(?:what is |what's )?(?<time>" + TIME + ") (?:in )?(?<from>" + ZONE + ") (?:in|to) (?<to>" + ZONE + ")", Map.of("operation", "convert"), 5),
                new RoutePattern("(?:what time is it|what's the time|what is the time|current time|time now)(?: now| right now)?(?: in (?<zone>" + PLACE + "))?", Map.of("operation", "now"), 5),
                new RoutePattern("(?:what is |what's )?(?:the date today|today's date|the current date|the date)", Map.of("operation", "now"), 5));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillInputException {
        JsonNode in = SkillInputs.object(input);
        String operation = operation(in);
        try {
            return switch (operation) {
                case "diff" -> diff(context, in);
                case "add" -> shift(context, in, false);
                case "subtract" -> shift(context, in, true);
                case "weekday" -> weekday(context, in);
                case "convert" -> convert(context, in);
                default -> now(context, in);
            };
        } catch (DateTimeException | ArithmeticException e) {
            throw new SkillInputException(operation + ": the result is out of the supported range of dates (" + e.getMessage() + ")");
        }
    }

    private static String operation(JsonNode in) throws SkillInputException {
        String raw = SkillInputs.requiredText(in, "operation").strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(" ", "");
        String op = OPERATIONS.contains(raw) ? raw : OPERATION_ALIASES.get(raw);
        if (op == null) {
            throw new SkillInputException("field 'operation': '" + SkillInputs.abbreviate(in.get("operation").asText())
                    + "' is not one of " + String.join(", ", OPERATIONS));
        }
        return op;
    }

    private SkillResult diff(SkillContext context, JsonNode in) throws SkillInputException {
        Moment start = Moments.parse("start", SkillInputs.requiredText(in, "start"), context.clock());
        Moment end = Moments.parse("end", SkillInputs.requiredText(in, "end"), context.clock());
        ObjectNode out = NODES.objectNode().put("operation", "diff").put("start", start.format()).put("end", end.format());
        if (start instanceof Moment.DateOnly a && end instanceof Moment.DateOnly b) {
            long days = ChronoUnit.DAYS.between(a.date(), b.date());
            Period p = a.date().isAfter(b.date()) ? Period.between(b.date(), a.date()).negated() : Period.between(a.date(), b.date());
            out.put("days", days);
            out.put("weeks", BigDecimal.valueOf(days).divide(BigDecimal.valueOf(7), 2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().doubleValue());
            ObjectNode bd = out.putObject("breakdown").put("years", p.getYears()).put("months", p.getMonths()).put("days", p.getDays());
            Span span = new Span(p, Duration.ZERO);
            out.put("iso", span.iso());
            String text = days + " day" + (Math.abs(days) == 1 ? "" : "s") + " from " + start.format() + " to " + end.format()
                    + " (" + describe(bd) + ")";
            return new SkillResult(out, text);
        }
        // At least one side has a time of day: compare instants when zones are known, wall clocks otherwise.
        LocalDateTime from;
        LocalDateTime to;
        long seconds;
        if (start instanceof Moment.Zoned || end instanceof Moment.Zoned) {
            ZoneId zone = start instanceof Moment.Zoned z ? z.dateTime().getZone() : ((Moment.Zoned) end).dateTime().getZone();
            ZonedDateTime a = zoned(start, zone);
            ZonedDateTime b = zoned(end, zone).withZoneSameInstant(a.getZone());
            seconds = Duration.between(a, b).toSeconds();
            from = a.toLocalDateTime();
            to = b.toLocalDateTime();
        } else {
            from = start.local();
            to = end.local();
            seconds = Duration.between(from, to).toSeconds();
        }
        boolean negative = to.isBefore(from);
        LocalDateTime lo = negative ? to : from;
        LocalDateTime hi = negative ? from : to;
        LocalDate hiDate = hi.toLocalTime().isBefore(lo.toLocalTime()) ? hi.toLocalDate().minusDays(1) : hi.toLocalDate();
        Period p = Period.between(lo.toLocalDate(), hiDate);
        Duration rest = Duration.between(lo.plus(p), hi);
        Span span = new Span(p, rest);
        if (negative) {
            span = span.negated();
        }
        int sign = negative ? -1 : 1;
        out.put("days", seconds / 86_400);
        out.put("seconds", seconds);
        out.put("hours", BigDecimal.valueOf(seconds).divide(BigDecimal.valueOf(3600), 2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().doubleValue());
        ObjectNode bd = out.putObject("breakdown")
                .put("years", sign * p.getYears()).put("months", sign * p.getMonths()).put("days", sign * p.getDays())
                .put("hours", sign * rest.toHoursPart() + sign * 24L * rest.toDaysPart())
                .put("minutes", sign * rest.toMinutesPart()).put("seconds", sign * rest.toSecondsPart());
        out.put("iso", span.iso());
        return new SkillResult(out, seconds + " seconds from " + start.format() + " to " + end.format() + " (" + describe(bd) + ")");
    }

    private static ZonedDateTime zoned(Moment m, ZoneId zone) {
        return switch (m) {
            case Moment.Zoned z -> z.dateTime();
            default -> ZonedDateTime.ofLocal(m.local(), zone, null);
        };
    }

    private static String describe(JsonNode breakdown) {
        StringBuilder sb = new StringBuilder();
        for (var f : breakdown.properties()) {
            long v = f.getValue().asLong();
            if (v != 0) {
                String unit = Math.abs(v) == 1 ? f.getKey().substring(0, f.getKey().length() - 1) : f.getKey();
                sb.append(sb.isEmpty() ? "" : ", ").append(v).append(' ').append(unit);
            }
        }
        return sb.isEmpty() ? "no time" : sb.toString();
    }

    private SkillResult shift(SkillContext context, JsonNode in, boolean subtract) throws SkillInputException {
        String op = subtract ? "subtract" : "add";
        Moment date = Moments.parse("date", SkillInputs.optionalText(in, "date").orElse("today"), context.clock());
        Span span = span(in);
        Span applied = subtract ? span.negated() : span;
        Moment result = switch (date) {
            case Moment.DateOnly d when applied.duration().isZero() -> new Moment.DateOnly(d.date().plus(applied.period()));
            case Moment.DateOnly d -> new Moment.Local(d.date().plus(applied.period()).atStartOfDay().plus(applied.duration()));
            case Moment.Local l -> new Moment.Local(l.dateTime().plus(applied.period()).plus(applied.duration()));
            case Moment.Zoned z -> new Moment.Zoned(z.dateTime().plus(applied.period()).plus(applied.duration()));
        };
        LocalDate resultDate = result.local().toLocalDate();
        ObjectNode out = NODES.objectNode().put("operation", op).put("date", date.format()).put("period", span.iso())
                .put("result", result.format()).put("weekday", weekdayName(resultDate));
        return new SkillResult(out, date.format() + (subtract ? " - " : " + ") + span.iso() + " = " + result.format()
                + " (" + weekdayName(resultDate) + ")");
    }

    private static Span span(JsonNode in) throws SkillInputException {
        var period = SkillInputs.optionalText(in, "period");
        if (period.isPresent()) {
            return Span.parse("period", period.get());
        }
        var amount = SkillInputs.optionalInt(in, "amount");
        var unit = SkillInputs.optionalText(in, "unit");
        if (amount.isPresent() && unit.isPresent()) {
            if (!unit.get().strip().matches("(?i)[a-z]+")) {
                throw new SkillInputException("field 'unit': '" + SkillInputs.abbreviate(unit.get()) + "' is not a unit of time");
            }
            Span s = Span.parse("unit", Math.abs((long) amount.get()) + " " + unit.get().strip());
            return amount.get() < 0 ? s.negated() : s;
        }
        throw new SkillInputException("field 'period' is required (e.g. \"3 weeks\" or P1Y2M), or 'amount' and 'unit'");
    }

    private SkillResult weekday(SkillContext context, JsonNode in) throws SkillInputException {
        Moment m = Moments.parse("date", SkillInputs.requiredText(in, "date"), context.clock());
        LocalDate d = m.local().toLocalDate();
        String isoWeek = d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format(Locale.ROOT, "%02d", d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        ObjectNode out = NODES.objectNode().put("operation", "weekday").put("date", d.toString())
                .put("weekday", weekdayName(d)).put("isoDayOfWeek", d.getDayOfWeek().getValue())
                .put("dayOfYear", d.getDayOfYear()).put("isoWeek", isoWeek);
        return new SkillResult(out, d + " is a " + weekdayName(d));
    }

    private SkillResult convert(SkillContext context, JsonNode in) throws SkillInputException {
        String timeText = SkillInputs.requiredText(in, "time");
        ZoneId to = Zones.parse("to", SkillInputs.requiredText(in, "to"));
        var fromText = SkillInputs.optionalText(in, "from");
        ZonedDateTime source;
        String note = null;
        if (Moments.looksLikeTimeOfDay(timeText)) {
            ZoneId from = Zones.parse("from", fromText.orElseThrow(() -> new SkillInputException(
                    "field 'from' is required: the time zone of '" + timeText.strip() + "'")));
            LocalTime t = Moments.parseTimeOfDay("time", timeText);
            LocalDateTime local = LocalDate.now(context.clock().withZone(from)).atTime(t);
            source = ZonedDateTime.ofLocal(local, from, null);
            note = gapNote(local, source);
        } else {
            Moment m = Moments.parse("time", timeText, context.clock());
            if (m instanceof Moment.Zoned z) {
                source = fromText.isPresent() ? z.dateTime().withZoneSameInstant(Zones.parse("from", fromText.get())) : z.dateTime();
            } else {
                ZoneId from = Zones.parse("from", fromText.orElseThrow(() -> new SkillInputException(
                        "field 'from' is required when 'time' has no zone or offset")));
                source = ZonedDateTime.ofLocal(m.local(), from, null);
                note = gapNote(m.local(), source);
            }
        }
        ZonedDateTime target = source.withZoneSameInstant(to);
        ObjectNode out = NODES.objectNode().put("operation", "convert").put("from", source.getZone().getId())
                .put("to", to.getId()).put("source", Moment.formatZoned(source)).put("result", Moment.formatZoned(target))
                .put("local", Moment.formatLocal(target.toLocalDateTime())).put("offset", target.getOffset().getId())
                .put("dayShift", ChronoUnit.DAYS.between(source.toLocalDate(), target.toLocalDate()));
        if (note != null) {
            out.put("note", note);
        }
        return new SkillResult(out, Moment.formatZoned(source) + " is " + Moment.formatZoned(target));
    }

    /** When a wall-clock time does not exist (a DST gap), Java moves it forward; say so. */
    private static String gapNote(LocalDateTime asked, ZonedDateTime got) {
        if (got.toLocalDateTime().equals(asked)) {
            return null;
        }
        return Moment.formatLocal(asked) + " does not exist in " + got.getZone().getId()
                + " (clocks moved forward); used " + Moment.formatLocal(got.toLocalDateTime());
    }

    private SkillResult now(SkillContext context, JsonNode in) throws SkillInputException {
        ZoneId zone = Zones.parse("zone", SkillInputs.optionalText(in, "zone").orElse("UTC"));
        ZonedDateTime now = ZonedDateTime.now(context.clock().withZone(zone));
        ObjectNode out = NODES.objectNode().put("operation", "now").put("zone", zone.getId())
                .put("now", Moment.formatZoned(now.withNano(0))).put("date", now.toLocalDate().toString())
                .put("time", now.toLocalTime().withNano(0).toString().length() == 5
                        ? now.toLocalTime().withNano(0) + ":00" : now.toLocalTime().withNano(0).toString())
                .put("weekday", weekdayName(now.toLocalDate())).put("offset", now.getOffset().getId());
        return new SkillResult(out, "It is " + Moment.formatZoned(now.withNano(0)) + " (" + weekdayName(now.toLocalDate()) + ")");
    }

    private static String weekdayName(LocalDate d) {
        return d.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }
}
