package dev.chrysalis.skill.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Case conversions; the identifier styles split words at spaces, punctuation and camel-case humps ("HTTPServer" = HTTP, Server). */
final class CaseConversion {
    private static final Pattern IDENTIFIER_WORD = Pattern.compile(
            "[\\p{Lu}\\p{Lt}]+(?=[\\p{Lu}\\p{Lt}][\\p{Ll}])|[\\p{Lu}\\p{Lt}]?[\\p{Ll}\\p{Lo}\\p{Lm}\\p{M}]+|[\\p{Lu}\\p{Lt}\\p{M}]+|\\p{N}+");

    private CaseConversion() {
    }

    static String upper(String text) {
        return text.toUpperCase(Locale.ROOT);
    }

    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** Each word's first letter in title case, the rest lower case; everything else kept ("it's a well-known fact" -> "It's A Well-Known Fact"). */
    static String title(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        int prev = ' ';
        int prevPrev = ' ';
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean inWord = Character.isLetterOrDigit(prev)
                    || ((prev == '\'' || prev == '\u2019') && Character.isLetterOrDigit(prevPrev));
            sb.appendCodePoint(inWord ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            prevPrev = prev;
            prev = cp;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = IDENTIFIER_WORD.matcher(text.replaceAll("['\u2019]", ""));
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    static String snake(String text) {
        return String.join("_", words(text).stream().map(CaseConversion::lower).toList());
    }

    static String kebab(String text) {
        return String.join("-", words(text).stream().map(CaseConversion::lower).toList());
    }

    static String camel(String text) {
        List<String> words = words(text);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            sb.append(i == 0 ? lower(words.get(i)) : capitalized(words.get(i)));
        }
        return sb.toString();
    }

    static String pascal(String text) {
        StringBuilder sb = new StringBuilder();
        words(text).forEach(w -> sb.append(capitalized(w)));
        return sb.toString();
    }

    private static String capitalized(String word) {
        int first = word.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(lower(word.substring(Character.charCount(first)))).toString();
    }
}
