package dev.chrysalis.harness.router;

/** How much literal text a regular expression demands: the more, the more specific the pattern. */
final class Specificity {
    private Specificity() {
    }

    /**
     * Counts the characters that must appear literally: letters, digits and other plain characters outside
     * character classes, group headers, quantifiers and escapes such as {@code \s} or {@code \d}
     * (an escaped metacharacter such as {@code \?} counts as literal). {@code \Q...\E} counts in full.
     */
    static int literalLength(String regex) {
        int count = 0;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char next = regex.charAt(i + 1);
                if (next == 'Q') {
                    int end = regex.indexOf("\\E", i + 2);
                    int stop = end < 0 ? n : end;
                    count += stop - (i + 2);
                    i = end < 0 ? n : end + 2;
                    continue;
                }
                if (!Character.isLetterOrDigit(next)) {
                    count++;
                }
                i += 2;
            } else if (c == '[') {
                i = skipClass(regex, i);
            } else if (c == '(') {
                i = skipGroupHeader(regex, i);
            } else if (c == '{') {
                int end = regex.indexOf('}', i);
                i = end < 0 ? n : end + 1;
            } else if ("|)*+?.^$".indexOf(c) >= 0) {
                i++;
            } else {
                count++;
                i++;
            }
        }
        return count;
    }

    private static int skipClass(String regex, int start) {
        int i = start + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++; // a leading ] is literal inside the class
        }
        int depth = 1;
        while (i < regex.length() && depth > 0) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            i++;
        }
        return i;
    }

    private static int skipGroupHeader(String regex, int start) {
        int i = start + 1;
        if (i < regex.length() && regex.charAt(i) == '?') {
            i++;
            if (i < regex.length() && regex.charAt(i) == '<' && i + 1 < regex.length()
                    && regex.charAt(i + 1) != '=' && regex.charAt(i + 1) != '!') {
                int end = regex.indexOf('>', i);
                return end < 0 ? regex.length() : end + 1; // (?<name>
            }
            while (i < regex.length() && "<=!:>imsuxdU-".indexOf(regex.charAt(i)) >= 0) {
                char c = regex.charAt(i++);
                if (c == ':' || c == '=' || c == '!' || c == '>') {
                    break;
                }
            }
        }
        return i;
    }
}
