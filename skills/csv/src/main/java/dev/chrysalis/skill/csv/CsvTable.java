package dev.chrysalis.skill.csv;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed CSV: the header, the data rows (all the header's width) and the line each row started on.
 *
 * @param delimiter the field separator that was used (given or detected)
 */
record CsvTable(char delimiter, List<String> header, List<List<String>> rows, List<Integer> rowLines) {
    CsvTable {
        header = List.copyOf(header);
        rows = List.copyOf(rows);
        rowLines = List.copyOf(rowLines);
    }

    List<String> column(int index) {
        List<String> values = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            values.add(row.get(index));
        }
        return values;
    }
}
