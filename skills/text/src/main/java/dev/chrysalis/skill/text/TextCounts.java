package dev.chrysalis.skill.text;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts of a text.
 *
 * @param chars      UTF-16 units (what most programs call the length)
 * @param codePoints Unicode characters (an emoji is one)
 * @param bytes      size in UTF-8
 * @param words      runs of letters and digits, joined by inner apostrophes or hyphens ("don't", "well-known") and numbers with a decimal point or separator ("3.14", "1,000")
 * @param lines      lines, not counting an empty one after a final line break
 * @param sentences  runs of text ending in . ! ? followed by a space or the end (a dot inside "3.14" does not end one)
 */
record TextCounts(int chars, int codePoints, int bytes, int words, int lines, int sentences) {
    private static final Pattern WORD = Pattern.compile(
            "[\\p{L}\\p{N}]+(?:(?:['\u2019\\-]|(?<=\\p{N})[.,](?=\\p{N}))[\\p{L}\\p{N}]+)*");
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?\u2026]+[\"'\u201d\u2019)\\]]*(?=\\s|$)");
    private static final Pattern HAS_WORD = Pattern.compile("[\\p{L}\\p{N}]");

    static TextCounts of(String text) {
        return new TextCounts(text.length(), text.codePointCount(0, text.length()),
                text.getBytes(StandardCharsets.UTF_8).length, count(WORD, text), lines(text), sentences(text));
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int lines(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        Matcher m = LINE_BREAK.matcher(text);
        int breaks = 0;
        int lastEnd = 0;
        while (m.find()) {
            breaks++;
            lastEnd = m.end();
        }
        return lastEnd == text.length() && breaks > 0 ? breaks : breaks + 1;
    }

    private static int sentences(String text) {
        Matcher m = SENTENCE_END.matcher(text);
        int n = 0;
        int start = 0;
        while (m.find()) {
            if (HAS_WORD.matcher(text.substring(start, m.start())).find()) {
                n++;
            }
            start = m.end();
        }
        if (HAS_WORD.matcher(text.substring(start)).find()) {
            n++;
        }
        return n;
    }
}
