package dev.chrysalis.skill.text;

import dev.chrysalis.spi.skill.SkillInputs;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Compiles user patterns (plain Java syntax or /pattern/flags) and runs them within a step budget. */
final class Regexes {
    static final int MAX_PATTERN_LENGTH = 1_000;
    static final int MAX_TEXT_LENGTH = 100_000;
    /** Character reads the engine may spend on one call: ample for linear work on the largest text, fatal to exponential backtracking. */
    static final long STEP_BUDGET = 20_000_000L;
    private static final Pattern SLASHED = Pattern.compile("/(.+)/([gimsxu]*)", Pattern.DOTALL);

    private Regexes() {
    }

    static Pattern compile(String pattern, boolean ignoreCase, boolean literal) throws SkillInputException {
        if (pattern.isEmpty()) {
            throw new SkillInputException("field 'pattern' is empty: give a regular expression such as \\d+");
        }
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new SkillInputException("field 'pattern' is " + pattern.length() + " characters long; the limit is " + MAX_PATTERN_LENGTH);
        }
        int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        String body = pattern;
        Matcher slashed = SLASHED.matcher(pattern);
        if (!literal && slashed.matches()) {
            body = slashed.group(1);
            for (char f : slashed.group(2).toCharArray()) {
                flags |= switch (f) {
                    case 'i' -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                    case 'm' -> Pattern.MULTILINE;
                    case 's' -> Pattern.DOTALL;
                    case 'x' -> Pattern.COMMENTS;
                    case 'u' -> Pattern.UNICODE_CHARACTER_CLASS;
                    default -> 0; // 'g': every match is found anyway
                };
            }
        }
        if (literal) {
            flags |= Pattern.LITERAL;
        }
        try {
            return Pattern.compile(body, flags);
        } catch (PatternSyntaxException e) {
            String where = e.getIndex() >= 0 ? " at position " + (e.getIndex() + 1) : "";
            throw new SkillInputException("invalid pattern '" + SkillInputs.abbreviate(pattern) + "': " + e.getDescription() + where);
        }
    }

    static void checkText(String text) throws SkillInputException {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new SkillInputException("field 'text' is " + text.length() + " characters long; regular expressions run on at most "
                    + MAX_TEXT_LENGTH);
        }
    }

    static SkillException tooExpensive(Pattern p) {
        return new SkillException("pattern '" + SkillInputs.abbreviate(p.pattern()) + "' needs too many steps on this text "
                + "(catastrophic backtracking, e.g. nested quantifiers like (a+)+); simplify the pattern");
    }
}
