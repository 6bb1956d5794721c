package dev.chrysalis.harness.router;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/**
 * The default router: declared route patterns first (priority, then specificity), then the skills'
 * examples (a message shaped like an example, or the closest skill by TF-IDF similarity when its one
 * required text property can take the message). Deterministic: the same message and catalogue always
 * give the same decision. Never throws: anything unexpected becomes an {@code Unrouted} with the cause.
 */
@Component(service = Router.class)
public final class DefaultRouter implements Router {
    /** Character reads one rule may spend on one message before it is abandoned (guards against runaway backtracking). */
    static final long READ_BUDGET = 2_000_000;
    /** The least TF-IDF similarity at which the closest skill may take the message as free text. */
    static final double MIN_SIMILARITY = 0.2;
    /** How many of the closest skills the free-text fallback considers. */
    private static final int FALLBACK_CANDIDATES = 3;
    private static final Pattern TRAILING_QUESTION = Pattern.compile("[\\s?]+$");
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[\\s?!.,;:]+$");
    private static final Pattern POLITE = Pattern.compile(
            "^(?:(?:please|kindly|hey|hi|ok|okay)[,\\s]+|(?:can|could|would|will) you(?: please)?\\s+)+",
            Pattern.CASE_INSENSITIVE);

    /** Compiled rules are kept for this many distinct descriptors (a catalogue changes only on install or swap). */
    private static final int CACHE_LIMIT = 512;

    private final System.Logger logger;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /** Descriptor -> its compiled rules; descriptors are values, so a swapped skill with new patterns misses. */
    private final Map<SkillDescriptor, Entry> compiled = new ConcurrentHashMap<>();
    private volatile IndexCache lastIndex = new IndexCache(List.of(), new ExampleIndex(List.of()));

    private record IndexCache(List<SkillDescriptor> skills, ExampleIndex index) {
    }

    public DefaultRouter() {
        this(System.getLogger(DefaultRouter.class.getName()));
    }

    DefaultRouter(System.Logger logger) {
        this.logger = logger;
    }

    @Override
    public String name() {
        return "default";
    }

    @Override
    public RouteDecision route(String message, List<SkillDescriptor> catalogue) {
        try {
            return decide(message, catalogue);
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "router failed on message '" + abbreviate(String.valueOf(message)) + "'", e);
            return new RouteDecision.Unrouted("the router failed on this message: " + e);
        }
    }

    /** A skill as the router sees it for one call. */
    private record Entry(SkillDescriptor skill, InputSchema schema, List<RouteRule> patterns, List<RouteRule> templates) {
    }

    private RouteDecision decide(String message, List<SkillDescriptor> catalogue) {
        if (message == null || message.isBlank()) {
            return new RouteDecision.Unrouted("the message is empty: nothing to route");
        }
        List<Entry> entries = entries(catalogue == null ? List.of() : catalogue);
        if (entries.isEmpty()) {
            return new RouteDecision.Unrouted("no skills are installed");
        }
        String text = message.strip();
        String question = TRAILING_QUESTION.matcher(text).replaceAll("");
        // Tried in order: without a closing question mark, as written, without any closing punctuation.
        List<String> forms = java.util.stream.Stream.of(question, text, TRAILING_PUNCTUATION.matcher(text).replaceAll(""))
                .filter(f -> !f.isEmpty()).distinct().toList();
        List<String> rejections = new ArrayList<>();

        // 1. Declared patterns, best rule first: the first that matches and converts wins.
        List<RouteRule> rules = new ArrayList<>();
        Map<String, InputSchema> schemas = new LinkedHashMap<>();
        for (Entry e : entries) {
            rules.addAll(e.patterns());
            schemas.put(e.skill().name(), e.schema());
        }
        rules.sort(RouteRule.PREFERENCE);
        for (String form : forms) {
            for (RouteRule rule : rules) {
                switch (apply(rule, form, schemas.get(rule.skill()))) {
                    case RouteRule.Outcome.Matched m -> {
                        return new RouteDecision.Routed(rule.skill(), m.arguments(), 0.95, "matched " + rule.label());
                    }
                    case RouteRule.Outcome.Rejected r -> rejections.add(rule.skill() + " " + r.why());
                    case RouteRule.Outcome.NoMatch n -> { }
                }
            }
        }

        // 2. A message with the same shape as one of a skill's examples.
        List<SkillDescriptor> skills = entries.stream().map(Entry::skill).toList();
        List<ExampleIndex.Similarity> ranked = index(skills).rank(question.isEmpty() ? text : question);
        Map<String, Double> similarity = new TreeMap<>();
        ranked.forEach(r -> similarity.put(r.skill(), r.score()));
        Optional<RouteDecision> byExample = byExampleShape(entries, forms, similarity, rejections);
        if (byExample.isPresent()) {
            return byExample.get();
        }

        // 3. The closest skills by similarity, when the whole message can be their one required text input.
        for (ExampleIndex.Similarity s : ranked.subList(0, Math.min(FALLBACK_CANDIDATES, ranked.size()))) {
            if (s.score() < MIN_SIMILARITY) {
                break;
            }
            if (!s.sharesWords()) {
                continue; // numbers alone are no evidence that free text belongs to a skill
            }
            Entry e = entries.stream().filter(x -> x.skill().name().equals(s.skill())).findFirst().orElseThrow();
            Optional<RouteDecision> free = asFreeText(e, forms.getFirst(), s);
            if (free.isPresent()) {
                return free.get();
            }
        }
        return unrouted(text, ranked, rejections);
    }

    private List<Entry> entries(List<SkillDescriptor> catalogue) {
        Map<String, Entry> byName = new TreeMap<>();
        for (SkillDescriptor d : catalogue) {
            if (d == null) {
                warnOnce("catalogue entry skipped: null descriptor");
                continue;
            }
            if (byName.containsKey(d.name())) {
                warnOnce("catalogue entry skipped: a second skill named '" + d.name() + "'");
                continue;
            }
            try {
                byName.put(d.name(), compiled(d));
            } catch (RuntimeException ex) {
                warnOnce("catalogue entry '" + d.name() + "' skipped: " + ex);
            }
        }
        return List.copyOf(byName.values());
    }

    private Entry compiled(SkillDescriptor d) {
        Entry cached = compiled.get(d);
        if (cached != null) {
            return cached;
        }
        InputSchema schema = InputSchema.of(d.inputSchema());
        Entry entry = new Entry(d, schema, RouteRules.fromPatterns(d, schema, this::warnOnce), ExampleTemplates.induce(d, schema));
        if (compiled.size() >= CACHE_LIMIT) {
            compiled.clear();
        }
        compiled.put(d, entry);
        return entry;
    }

    /** The similarity index of the last catalogue, rebuilt when the catalogue changes. */
    private ExampleIndex index(List<SkillDescriptor> skills) {
        IndexCache last = lastIndex;
        if (last.skills().equals(skills)) {
            return last.index();
        }
        ExampleIndex index = new ExampleIndex(skills);
        lastIndex = new IndexCache(skills, index);
        return index;
    }

    private RouteRule.Outcome apply(RouteRule rule, String form, InputSchema schema) {
        try {
            return rule.apply(form, schema, READ_BUDGET);
        } catch (BoundedText.BudgetExceeded e) {
            warnOnce(rule.label() + " abandoned: too much backtracking on a " + form.length() + "-character message");
            return new RouteRule.Outcome.NoMatch();
        }
    }

    private record ShapeMatch(RouteRule rule, ObjectNode arguments, double similarity) {
    }

    private Optional<RouteDecision> byExampleShape(List<Entry> entries, List<String> forms,
                                                   Map<String, Double> similarity, List<String> rejections) {
        List<ShapeMatch> matches = new ArrayList<>();
        for (Entry e : entries) {
            for (RouteRule rule : e.templates()) {
                for (String form : forms) {
                    if (apply(rule, form, e.schema()) instanceof RouteRule.Outcome.Matched m) {
                        matches.add(new ShapeMatch(rule, m.arguments(), similarity.getOrDefault(e.skill().name(), 0.0)));
                        break;
                    }
                }
            }
        }
        return matches.stream()
                .min(Comparator.comparingInt((ShapeMatch m) -> -m.rule().specificity())
                        .thenComparingDouble(m -> -m.similarity())
                        .thenComparing(m -> m.rule().skill())
                        .thenComparingInt(m -> m.rule().index()))
                .map(m -> new RouteDecision.Routed(m.rule().skill(), m.arguments(), 0.8,
                        "no route pattern matched; the message has the shape of " + m.rule().label()
                                + String.format(Locale.ROOT, " (similarity %.2f)", m.similarity())));
    }

    /** The one required string property gets the message, less a lead-in the skill's examples use. */
    private Optional<RouteDecision> asFreeText(Entry e, String message, ExampleIndex.Similarity s) {
        List<String> required = e.schema().required();
        if (required.size() != 1) {
            return Optional.empty();
        }
        String property = required.getFirst();
        InputSchema.Property p = e.schema().property(property).orElse(null);
        if (p == null || !p.type().equals("string") || !p.enumValues().isEmpty() || !carriesMessageText(e.skill(), property)) {
            return Optional.empty();
        }
        String rest = POLITE.matcher(message).replaceFirst("");
        for (String leadIn : leadIns(e.skill(), property)) {
            Matcher m = leadInPattern(leadIn).matcher(rest);
            if (m.lookingAt() && m.end() < rest.length()) {
                rest = rest.substring(m.end());
                break;
            }
        }
        if (!(e.schema().convert(property, rest) instanceof InputSchema.Conversion.Converted c)) {
            return Optional.empty();
        }
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.set(property, c.value());
        String closest = s.example().map(x -> "example '" + x + "'").orElse("its description");
        return Optional.of(new RouteDecision.Routed(e.skill().name(), args, Math.min(0.7, s.score()),
                "no route pattern or example shape matched; " + e.skill().name() + " is the closest skill by "
                        + closest + String.format(Locale.ROOT, " (similarity %.2f)", s.score())
                        + ", so the message goes to its one required input '" + property + "'"));
    }

    /**
     * Whether the skill's examples show {@code property} taking text from the message: true when no example
     * sets it, or when at least one example's value appears in its own wording ("what is 2+3*4" ->
     * {@code expression: "2+3*4"}); false when it only ever holds implied values ({@code operation: "now"}).
     */
    private static boolean carriesMessageText(SkillDescriptor skill, String property) {
        boolean set = false;
        for (SkillExample ex : skill.examples()) {
            var value = ex.arguments().get(property);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                continue;
            }
            set = true;
            if (ExampleTemplates.lastIndexOfIgnoreCase(ex.utterance(), value.asText()) >= 0) {
                return true;
            }
        }
        return !set;
    }

    /** Words the skill's examples put before the free-text value, longest first. */
    private static List<String> leadIns(SkillDescriptor skill, String property) {
        List<String> out = new ArrayList<>();
        for (SkillExample ex : skill.examples()) {
            var value = ex.arguments().get(property);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                continue;
            }
            String u = TRAILING_QUESTION.matcher(ex.utterance().strip()).replaceAll("");
            int at = ExampleTemplates.lastIndexOfIgnoreCase(u, value.asText());
            if (at > 0) {
                String lead = u.substring(0, at).replaceAll("[\\s:,\\-]+$", "").strip();
                if (!lead.isEmpty() && !out.contains(lead)) {
                    out.add(lead);
                }
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        return out;
    }

    private static Pattern leadInPattern(String leadIn) {
        StringBuilder regex = new StringBuilder();
        for (String word : leadIn.split("\\s+")) {
            if (!regex.isEmpty()) {
                regex.append("\\s+");
            }
            regex.append(Pattern.quote(word));
        }
        return Pattern.compile(regex + "(?:\\s*:)?\\s+", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    private static RouteDecision unrouted(String message, List<ExampleIndex.Similarity> ranked, List<String> rejections) {
        StringBuilder reason = new StringBuilder("no skill fits '").append(abbreviate(message)).append("'");
        List<String> close = ranked.stream().filter(r -> r.score() > 0).limit(3).map(ExampleIndex.Similarity::describe).toList();
        if (close.isEmpty()) {
            reason.append(": no route pattern matched and it shares no words with any skill's examples; installed: ")
                    .append(String.join(", ", ranked.stream().map(ExampleIndex.Similarity::skill).sorted().toList()));
        } else {
            reason.append(": no route pattern matched and no example gave usable arguments; closest skills: ")
                    .append(String.join(", ", close));
        }
        if (!rejections.isEmpty()) {
            reason.append("; patterns that matched but did not fit: ")
                    .append(String.join("; ", rejections.stream().distinct().limit(3).toList()));
        }
        return new RouteDecision.Unrouted(reason.toString());
    }

    private void warnOnce(String warning) {
        if (warned.size() > 10_000) {
            warned.clear(); // a catalogue that keeps changing must not grow this without bound
        }
        if (warned.add(warning)) {
            logger.log(System.Logger.Level.WARNING, warning);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
