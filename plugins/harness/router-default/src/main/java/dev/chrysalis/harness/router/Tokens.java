package dev.chrysalis.harness.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits text into comparable words: lower case, without filler words, plural s dropped, numbers as one token. */
final class Tokens {
    static final String NUMBER = "#num";
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Set<String> STOP = Set.of(
            "a", "an", "the", "is", "are", "was", "were", "be", "been", "of", "to", "in", "on", "for", "me", "my",
            "please", "what", "whats", "s", "how", "can", "could", "would", "will", "you", "your", "i", "it", "its",
            "this", "that", "these", "those", "and", "or", "with", "do", "does", "did", "by", "at", "as", "there",
            "here", "some", "any", "much", "from", "into", "about", "tell", "just");

    private Tokens() {
    }

    static List<String> of(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String w = m.group().toLowerCase(Locale.ROOT);
            if (w.chars().allMatch(Character::isDigit)) {
                out.add(NUMBER);
            } else if (!STOP.contains(w)) {
                out.add(stem(w));
            }
        }
        return out;
    }

    private static String stem(String w) {
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
