package dev.chrysalis.directory.skills;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A SKILL.md in the Agent Skills format: YAML front matter between {@code ---} lines holding at least
 * {@code name} and {@code description}, then markdown instructions. The front matter reader understands the
 * subset such files use: {@code key: value} lines, quoted values, {@code |} and {@code >} block scalars, and
 * indented nested blocks (kept as their raw text).
 */
public record SkillMd(String name, String description, Map<String, String> frontMatter, String body) {
    /** Agent Skills names: lowercase letters, digits and single hyphens, at most 64 characters. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    public static final int MAX_DESCRIPTION = 1024;

    public SkillMd {
        frontMatter = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(frontMatter));
    }

    /** Parses and validates; @throws SkillFormatException naming {@code source} and the problem */
    public static SkillMd parse(String text, String source) {
        var split = frontMatter(text).orElseThrow(() -> new SkillFormatException(source
                + ": no YAML front matter (the file must start with a '---' line, then name: and description:, then '---')"));
        Map<String, String> fm = parseYaml(split[0], source);
        String name = fm.getOrDefault("name", "").strip();
        String description = fm.getOrDefault("description", "").strip();
        if (name.isEmpty()) {
            throw new SkillFormatException(source + ": front matter has no 'name'");
        }
        if (name.length() > 64 || !NAME.matcher(name).matches()) {
            throw new SkillFormatException(source + ": name '" + name
                    + "' must be 1-64 lowercase letters, digits and single hyphens");
        }
        if (description.isEmpty()) {
            throw new SkillFormatException(source + ": front matter has no 'description'");
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw new SkillFormatException(source + ": description is " + description.length()
                    + " characters, more than " + MAX_DESCRIPTION);
        }
        return new SkillMd(name, description, fm, split[1]);
    }

    /** Front matter and body, or empty when the text does not start with a front matter block. */
    static Optional<String[]> frontMatter(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        t = t.replace("\r\n", "\n");
        if (!t.startsWith("---\n")) {
            return Optional.empty();
        }
        int end = t.indexOf("\n---", 3);
        while (end >= 0) {
            int after = end + 4;
            if (after == t.length() || t.charAt(after) == '\n') {
                String body = after >= t.length() ? "" : t.substring(after + 1);
                return Optional.of(new String[] {t.substring(4, end + 1), body});
            }
            end = t.indexOf("\n---", after);
        }
        return Optional.empty();
    }

    static Map<String, String> parseYaml(String yaml, String source) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                throw new SkillFormatException(source + ": front matter line " + (i + 2) + " is indented but follows no key: '"
                        + line.strip() + "'");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new SkillFormatException(source + ": front matter line " + (i + 2) + " is not 'key: value': '" + line + "'");
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            StringBuilder block = new StringBuilder();
            int j = i + 1;
            while (j < lines.size() && (lines.get(j).isBlank() || Character.isWhitespace(lines.get(j).charAt(0)))) {
                block.append(lines.get(j).strip()).append('\n');
                j++;
            }
            i = j - 1;
            String blockText = block.toString().strip();
            if (value.startsWith("|")) {
                value = blockText;
            } else if (value.startsWith(">")) {
                value = blockText.replaceAll("\n(?!\n)", " ");
            } else if (value.isEmpty()) {
                value = blockText;
            } else {
                value = unquote(value + (blockText.isEmpty() ? "" : " " + blockText.replace('\n', ' ')), source, key);
            }
            out.put(key, value);
        }
        return out;
    }

    private static String unquote(String v, String source, String key) {
        if (v.startsWith("\"") || v.startsWith("'")) {
            char q = v.charAt(0);
            if (v.length() < 2 || v.charAt(v.length() - 1) != q) {
                throw new SkillFormatException(source + ": front matter '" + key + "' has an unterminated quote");
            }
            String inner = v.substring(1, v.length() - 1);
            return q == '\'' ? inner.replace("''", "'") : inner.replace("\\\"", "\"").replace("\\n", "\n");
        }
        int comment = v.indexOf(" #");
        return comment >= 0 ? v.substring(0, comment).strip() : v;
    }

    /**
     * A one-paragraph summary of any SKILL.md: the front matter description when there is one, else the first
     * paragraph of prose (headings and code skipped). Never fails.
     */
    public static String summaryOf(String text) {
        var split = frontMatter(text);
        String body = text;
        if (split.isPresent()) {
            try {
                String d = parseYaml(split.get()[0], "SKILL.md").getOrDefault("description", "");
                if (!d.isBlank()) {
                    return d.strip();
                }
            } catch (SkillFormatException e) {
                // fall through to the prose
            }
            body = split.get()[1];
        }
        StringBuilder para = new StringBuilder();
        boolean code = false;
        for (String line : body.replace("\r\n", "\n").split("\n")) {
            String l = line.strip();
            if (l.startsWith("```")) {
                code = !code;
                continue;
            }
            if (code || l.startsWith("#")) {
                if (!para.isEmpty()) {
                    break;
                }
                continue;
            }
            if (l.isEmpty()) {
                if (!para.isEmpty()) {
                    break;
                }
                continue;
            }
            para.append(para.isEmpty() ? "" : " ").append(l);
        }
        return para.toString();
    }

    /** The file text: front matter with name and description first, then the other keys, then the body. */
    public String render() {
        StringBuilder sb = new StringBuilder("---\n");
        sb.append("name: ").append(name).append('\n');
        sb.append("description: ").append(yamlScalar(description)).append('\n');
        frontMatter.forEach((k, v) -> {
            if (!k.equals("name") && !k.equals("description")) {
                sb.append(k).append(": ").append(yamlScalar(v)).append('\n');
            }
        });
        sb.append("---\n").append(body);
        return sb.toString();
    }

    private static String yamlScalar(String v) {
        if (v.contains("\n")) {
            return "|\n  " + v.replace("\n", "\n  ");
        }
        boolean plain = !v.isEmpty() && v.matches("[^:#'\"{}\\[\\],&*!|>%@`-][^#]*") && !v.contains(": ");
        return plain ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
