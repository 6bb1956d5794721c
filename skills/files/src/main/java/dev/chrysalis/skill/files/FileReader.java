package dev.chrysalis.skill.files;

import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a text file's lines within a byte limit, refusing binary content (a NUL byte, or bytes that are not UTF-8). */
final class FileReader {
    static final int SNIFF_BYTES = 8192;
    private static final Pattern LINE = Pattern.compile("[^\\r\\n]*(?:\\r\\n|\\r|\\n)|[^\\r\\n]+$");

    /**
     * @param lines        the lines read (with their line breaks)
     * @param size         the file's size in bytes
     * @param cutAtLimit   whether the file was larger than the read limit and only its start was read
     */
    record Text(List<String> lines, long size, boolean cutAtLimit) {
    }

    private FileReader() {
    }

    static Text read(Path real, String shown, long maxBytes) throws SkillException {
        long size;
        byte[] bytes;
        try {
            size = Files.size(real);
            int want = (int) Math.min(size, Math.min(maxBytes, Integer.MAX_VALUE - 16));
            try (InputStream in = Files.newInputStream(real)) {
                bytes = in.readNBytes(want);
            }
        } catch (IOException e) {
            throw new SkillException("cannot read '" + shown + "': " + e.getMessage());
        }
        for (int i = 0; i < Math.min(bytes.length, SNIFF_BYTES); i++) {
            if (bytes[i] == 0) {
                throw new SkillException("'" + shown + "' looks binary (a NUL byte at offset " + i + "); not shown");
            }
        }
        boolean cut = size > bytes.length;
        int end = bytes.length;
        if (cut) {
            // do not split a UTF-8 sequence at the limit
            while (end > 0 && (bytes[end - 1] & 0xC0) == 0x80) {
                end--;
            }
            if (end > 0 && (bytes[end - 1] & 0x80) != 0) {
                end--;
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            throw new SkillException("'" + shown + "' looks binary (not UTF-8 text); not shown");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = new ArrayList<>();
        Matcher m = LINE.matcher(text);
        while (m.find()) {
            if (!m.group().isEmpty()) {
                lines.add(m.group());
            }
        }
        if (cut && !lines.isEmpty() && !lines.getLast().endsWith("\n") && !lines.getLast().endsWith("\r")) {
            lines.removeLast(); // the last line is incomplete
        }
        return new Text(lines, size, cut);
    }

    static void checkRange(int start, int end, String shown, int total, boolean cut) throws SkillInputException {
        if (start < 1) {
            throw new SkillInputException("field 'startLine' must be 1 or more, got " + start);
        }
        if (end < start) {
            throw new SkillInputException("field 'endLine' (" + end + ") is before 'startLine' (" + start + ")");
        }
        if (start > total && !(total == 0 && start == 1)) {
            throw new SkillInputException("field 'startLine': line " + start + " is past the end of '" + shown + "' ("
                    + total + " line" + (total == 1 ? "" : "s") + (cut ? " within the read limit" : "") + ")");
        }
    }
}
