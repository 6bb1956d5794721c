package dev.chrysalis.skill.csv;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 reader: fields separated by the delimiter, records by CRLF, LF or CR; a field in double quotes may
 * hold delimiters, line breaks and doubled quotes ({@code ""}). The first record is the header. Blank lines are
 * skipped; a record whose width differs from the header's is an error naming its line.
 */
final class CsvParser {
    static final char[] CANDIDATES = {',', ';', '\t'};

    private CsvParser() {
    }

    /** The candidate delimiter seen most often in the first record outside quotes; ties and none go to ','. */
    static char detectDelimiter(String text) {
        int[] counts = new int[CANDIDATES.length];
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '\n' || c == '\r')) {
                break;
            } else if (!quoted) {
                for (int k = 0; k < CANDIDATES.length; k++) {
                    if (c == CANDIDATES[k]) {
                        counts[k]++;
                    }
                }
            }
        }
        int best = 0;
        for (int k = 1; k < CANDIDATES.length; k++) {
            if (counts[k] > counts[best]) {
                best = k;
            }
        }
        return CANDIDATES[best];
    }

    static CsvTable parse(String input, char delimiter) throws CsvFormatException {
        String text = input.startsWith("\uFEFF") ? input.substring(1) : input;
        List<List<String>> records = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        int i = 0;
        int n = text.length();
        boolean fieldStarted = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && field.isEmpty() && !fieldStarted) {
                int openLine = line;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new CsvFormatException("line " + openLine + ": a quoted field is not closed (missing '\"')");
                    }
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\n' || (q == '\r' && (i + 1 >= n || text.charAt(i + 1) != '\n'))) {
                        line++;
                    }
                    field.append(q);
                    i++;
                }
                fieldStarted = true;
                if (i < n) {
                    char after = text.charAt(i);
                    if (after != delimiter && after != '\n' && after != '\r') {
                        throw new CsvFormatException("line " + line + ": unexpected '" + after
                                + "' after a closing quote (expected the delimiter or the end of the line)");
                    }
                }
                continue;
            }
            if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                i++;
                continue;
            }
            if (c == '\n' || c == '\r') {
                endRecord(records, lines, fields, field, fieldStarted, recordLine);
                fields = new ArrayList<>();
                field.setLength(0);
                fieldStarted = false;
                i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
                line++;
                recordLine = line;
                continue;
            }
            field.append(c);
            fieldStarted = true;
            i++;
        }
        endRecord(records, lines, fields, field, fieldStarted, recordLine);
        if (records.isEmpty()) {
            throw new CsvFormatException("the file is empty: expected a header row");
        }
        List<String> header = new ArrayList<>(records.getFirst());
        for (int k = 0; k < header.size(); k++) {
            if (header.get(k).isBlank()) {
                header.set(k, "column " + (k + 1));
            } else {
                header.set(k, header.get(k).strip());
            }
        }
        List<List<String>> rows = records.subList(1, records.size());
        List<Integer> rowLines = lines.subList(1, lines.size());
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != header.size()) {
                throw new CsvFormatException("line " + rowLines.get(r) + " has " + rows.get(r).size() + " field"
                        + (rows.get(r).size() == 1 ? "" : "s") + ", but the header (line " + lines.getFirst() + ") has "
                        + header.size());
            }
        }
        return new CsvTable(delimiter, header, rows, rowLines);
    }

    private static void endRecord(List<List<String>> records, List<Integer> lines, List<String> fields, StringBuilder field,
                                  boolean fieldStarted, int recordLine) {
        if (fields.isEmpty() && field.isEmpty() && !fieldStarted) {
            return; // a blank line
        }
        fields.add(field.toString());
        records.add(List.copyOf(fields));
        lines.add(recordLine);
    }
}
