package dev.chrysalis.harness.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds credentials in text and JSON and replaces each with {@code [REDACTED:<kind>]}. Rules run from the
 * most specific format (a PEM block, a JWT, an AWS key id) to the most contextual (a value after
 * {@code password=}); a replaced value is never matched again, so redacting twice changes nothing.
 * Stateless and thread-safe.
 */
final class SecretScanner {
    static final String MARK = "[REDACTED:";
    private static final String NOT_REDACTED = "(?!\\[REDACTED:)";

    /**
     * One detector.
     *
     * @param group  the group holding the secret (0: the whole match); only that span is replaced
     * @param kind   the kind named in the replacement, from the match (e.g. by the key's name)
     * @param accept a last check on the secret text (Luhn, entropy); a rejected match stays as it is
     */
    private record Rule(Pattern pattern, int group, Function<Matcher, String> kind, Predicate<String> accept) {
        static Rule of(String kind, String regex, int group, Predicate<String> accept) {
            return new Rule(Pattern.compile(regex), group, m -> kind, accept);
        }
    }

    // Keys whose value is a credential. "pass", "pwd" and friends take any value; token/secret/key names want a token-like one.
    private static final String PASSWORD_KEY = "(?:pass(?:word|wd|phrase)?|pwd)";
    private static final String SECRET_KEY = "(?:secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|client[_-]?secret|credentials?)";
    private static final String KEY_CHARS = "[A-Za-z0-9_.-]";
    /** Key text around the credential word, bounded so a long run of word characters cannot make a scan quadratic. */
    private static final String KEY_AFFIX = KEY_CHARS + "{0,40}";
    /** A value after a key: quoted (may hold spaces) or bare. */
    private static final String VALUE = "(?:\"(?<dq>" + NOT_REDACTED + "[^\"\\r\\n]{1,512})\"|'(?<sq>" + NOT_REDACTED
            + "[^'\\r\\n]{1,512})'|(?<bare>" + NOT_REDACTED + "[^\\s\"',;&<>]{1,512}))";

    private static final List<Rule> RULES = List.of(
            Rule.of("private-key", "-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]*?-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|[\\s\\S]*\\z)", 0, s -> true),
            Rule.of("jwt", "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*", 0, s -> true),
            Rule.of("aws-access-key", "\\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA|AIPA|ANPA|ANVA|AGPA)[A-Z0-9]{16}\\b", 0, s -> true),
            Rule.of("github-token", "\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\\b", 0, s -> true),
            Rule.of("api-key", "\\bsk-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_-]{20,}", 0, SecretScanner::mixesLettersAndDigits),
            Rule.of("slack-token", "\\bxox[abposr]-[A-Za-z0-9-]{10,}", 0, s -> true),
            Rule.of("gitlab-token", "\\bglpat-[A-Za-z0-9_-]{20,}", 0, s -> true),
            Rule.of("google-api-key", "\\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", 0, s -> true),
            Rule.of("api-key", "\\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}", 0, s -> true),
            Rule.of("url-credentials", "(?i)\\b[a-z][a-z0-9+.-]{1,20}://[^\\s:/@\\[\\]]{1,128}:(?<v>" + NOT_REDACTED + "[^\\s@/]{1,256})@", 1, s -> true),
            Rule.of("aws-secret-key", "(?i)(?:aws[_-]?)?secret[_-]?(?:access[_-]?)?key[\"']?\\s*(?:=|:|=>)\\s*[\"']?(?<v>(?-i:[A-Za-z0-9/+=]{40}))(?![A-Za-z0-9/+=])", 1, s -> true),
            Rule.of("bearer-token", "(?i)\\bbearer\\s+(?<v>" + NOT_REDACTED + "[A-Za-z0-9._~+/=-]{16,})", 1, SecretScanner::mixesLettersAndDigits),
            Rule.of("basic-auth", "(?i)\\bauthorization\\s*[:=]\\s*basic\\s+(?<v>[A-Za-z0-9+/]{8,}={0,2})", 1, s -> true),
            new Rule(Pattern.compile("(?i)(?<![A-Za-z0-9])(?<key>" + KEY_AFFIX + "(?:" + PASSWORD_KEY + "|" + SECRET_KEY + ")"
                    + KEY_AFFIX + ")(?<q>[\"']?)(?<sep>\\s*(?:=|:=|:|=>)\\s*)" + VALUE), -1, SecretScanner::assignmentKind, s -> true),
            Rule.of("high-entropy", "(?i)(?<![A-Za-z0-9])" + KEY_AFFIX + "(?:key|auth|signature|sig|session|cookie|salt|nonce|cert|seed)"
                    + KEY_AFFIX + "[\"']?\\s*(?:=|:|=>)\\s*[\"']?(?<v>" + NOT_REDACTED + "[A-Za-z0-9+/_=.-]{20,512})", 1,
                    SecretScanner::looksRandom),
            Rule.of("credit-card", "(?<![\\d.,-])(?:\\d{4}([ -])\\d{4}\\1\\d{4}\\1\\d{1,7}|\\d{4}([ -])\\d{6}\\2\\d{4,5}|\\d{13,19})(?![\\d.,]\\d|\\d)", 0,
                    SecretScanner::isCardNumber));

    /** Redacts {@code text}, adding what it found to {@code counts}. */
    String redact(String text, RedactionCounts counts) {
        String out = text;
        for (Rule rule : RULES) {
            out = apply(rule, out, counts);
        }
        return out;
    }

    private static String apply(Rule rule, String text, RedactionCounts counts) {
        Matcher m = rule.pattern().matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            int start;
            int end;
            if (rule.group() < 0) { // an assignment: the value group that matched
                String g = m.group("dq") != null ? "dq" : m.group("sq") != null ? "sq" : "bare";
                start = m.start(g);
                end = m.end(g);
                if (!acceptAssignment(m.group("key"), m.group("sep"), m.group("q"), g, m.group(g))) {
                    continue;
                }
            } else {
                start = m.start(rule.group());
                end = m.end(rule.group());
                if (!rule.accept().test(text.substring(start, end))) {
                    continue;
                }
            }
            String kind = rule.kind().apply(m);
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, start).append(MARK).append(kind).append(']');
            copied = end;
            counts.add(kind);
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static String assignmentKind(Matcher m) {
        String key = m.group("key").toLowerCase(Locale.ROOT);
        if (key.matches(".*(?:pass|pwd).*")) {
            return "password";
        }
        if (key.matches(".*(?:api[_-]?key|apikey).*")) {
            return "api-key";
        }
        if (key.contains("token")) {
            return "token";
        }
        return "secret";
    }

    /**
     * Whether a key = value is a credential. Password keys take any value after {@code =} or a quoted key;
     * other keys, and prose-like {@code key: value}, need a value that looks like a token rather than a word
     * ("password: reset" and "token: the next one" stay).
     */
    private static boolean acceptAssignment(String key, String sep, String quote, String valueGroup, String value) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.matches(".*(?:tokens|_count|count_|_length|_limit|max_|_max|_type|_name|_id|_url|_file|_path|_expires?|expiry).*")) {
            return false; // metadata about secrets, not secrets: max_tokens=512, token_type=bearer, secret_name=db
        }
        boolean password = k.matches(".*(?:pass|pwd).*");
        boolean proseColon = sep.strip().equals(":") && quote.isEmpty() && valueGroup.equals("bare");
        if (password) {
            return !proseColon || value.length() >= 12 || !value.chars().allMatch(Character::isLetter);
        }
        return value.length() >= 8 && !value.chars().allMatch(Character::isDigit) && (!proseColon || looksLikeToken(value));
    }

    private static boolean looksLikeToken(String v) {
        return v.length() >= 16 || mixesLettersAndDigits(v);
    }

    private static boolean mixesLettersAndDigits(String s) {
        return s.chars().anyMatch(Character::isDigit) && s.chars().anyMatch(Character::isLetter);
    }

    /** At least 20 characters, two of lower/upper/digit, and at least 3.5 bits of entropy per character. */
    static boolean looksRandom(String s) {
        int classes = (s.chars().anyMatch(Character::isLowerCase) ? 1 : 0) + (s.chars().anyMatch(Character::isUpperCase) ? 1 : 0)
                + (s.chars().anyMatch(Character::isDigit) ? 1 : 0);
        return s.length() >= 20 && classes >= 2 && entropy(s) >= 3.5;
    }

    static double entropy(String s) {
        int[] freq = new int[128];
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                freq[c]++;
            } else {
                other++;
            }
        }
        double h = 0;
        for (int f : freq) {
            if (f > 0) {
                double p = (double) f / s.length();
                h -= p * (Math.log(p) / Math.log(2));
            }
        }
        if (other > 0) {
            double p = (double) other / s.length();
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }

    /** 13-19 digits of a known card range that pass the Luhn check (separators ignored). */
    static boolean isCardNumber(String candidate) {
        String digits = candidate.replaceAll("[ -]", "");
        int n = digits.length();
        if (n < 13 || n > 19 || digits.chars().distinct().count() < 2) {
            return false;
        }
        int two = Integer.parseInt(digits.substring(0, 2));
        int four = Integer.parseInt(digits.substring(0, 4));
        boolean knownRange = digits.charAt(0) == '4' && (n == 13 || n == 16 || n == 19)      // Visa
                || (two >= 51 && two <= 55 || four >= 2221 && four <= 2720) && n == 16          // Mastercard
                || (two == 34 || two == 37) && n == 15                                         // American Express
                || (four == 6011 || two == 65 || four >= 6440 && four <= 6499) && n >= 16        // Discover
                || two == 35 && n >= 16                                                        // JCB
                || (two == 36 || two == 38 || four >= 3000 && four <= 3059) && n == 14;        // Diners Club
        return knownRange && luhn(digits);
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /**
     * A redacted copy of {@code node}: every string is scanned, and a value under a credential-named key
     * ({"password": "..."}, {"api_key": "..."}) is replaced whole, whatever it looks like.
     */
    JsonNode redact(JsonNode node, RedactionCounts counts) {
        if (node.isTextual()) {
            String before = node.asText();
            String after = redact(before, counts);
            return after.equals(before) ? node : JsonNodeFactory.instance.textNode(after);
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(e -> copy.add(redact(e, counts)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (var field : node.properties()) {
                JsonNode value = field.getValue();
                String kind = credentialKey(field.getKey());
                if (kind != null && value.isTextual() && !value.asText().isEmpty() && !value.asText().startsWith(MARK)
                        && (kind.equals("password") || value.asText().length() >= 8)) {
                    counts.add(kind);
                    copy.put(field.getKey(), MARK + kind + "]");
                } else {
                    copy.set(field.getKey(), redact(value, counts));
                }
            }
            return copy;
        }
        return node;
    }

    private static final Pattern CREDENTIAL_KEY = Pattern.compile("(?i)" + KEY_CHARS + "*(?:" + PASSWORD_KEY + "|" + SECRET_KEY + ")" + KEY_CHARS + "*");

    /** The kind a JSON field name implies, or null when it names no credential. */
    private static String credentialKey(String key) {
        if (!CREDENTIAL_KEY.matcher(key).matches()
                || key.toLowerCase(Locale.ROOT).matches(".*(?:tokens|count|length|limit|max|type|name|_id|url|file|path|expires?|expiry).*")) {
            return null;
        }
        String k = key.toLowerCase(Locale.ROOT);
        if (k.matches(".*(?:pass|pwd).*")) {
            return "password";
        }
        if (k.matches(".*(?:api[_-]?key|apikey).*")) {
            return "api-key";
        }
        return k.contains("token") ? "token" : "secret";
    }
}
