package dev.chrysalis.skill.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvParserTest {

    @Test
    void readsQuotedFieldsWithDelimitersLineBreaksAndQuotes() throws CsvFormatException {
        CsvTable t = CsvParser.parse("a,b\n\"x,y\",\"1\n2\"\n\"\"\"q\"\"\",\n", ',');
        assertEquals(List.of("a", "b"), t.header());
        assertEquals(List.of(List.of("x,y", "1\n2"), List.of("\"q\"", "")), t.rows());
        assertEquals(List.of(2, 4), t.rowLines());
    }

    @Test
    void acceptsCrLfCrAndMissingFinalNewline() throws CsvFormatException {
        assertEquals(3, CsvParser.parse("h\r\n1\r2\n3", ',').rows().size());
    }

    @Test
    void skipsBomAndBlankLinesAndNamesBlankHeaders() throws CsvFormatException {
        CsvTable t = CsvParser.parse("\uFEFFid,,name \n\n1,2,x\n\n", ',');
        assertEquals(List.of("id", "column 2", "name"), t.header());
        assertEquals(List.of(3), t.rowLines());
    }

    @Test
    void quotedEmptyFieldAloneIsARecord() throws CsvFormatException {
        assertEquals(List.of(List.of("")), CsvParser.parse("h\n\"\"\n", ',').rows());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " -> ", quoteCharacter = '`', value = {
            "a,b\\n1,2,3 -> line 2 has 3 fields, but the header (line 1) has 2",
            "a,b\\n\"1\"x,2 -> line 2: unexpected 'x' after a closing quote",
            "a,b\\n1,\"2\\n3,4 -> line 2: a quoted field is not closed",
            "a,b\\n\"multi\\nline\",1\\n2 -> line 4 has 1 field, but the header (line 1) has 2",
            "`` -> the file is empty",
            "\\n\\n -> the file is empty"
    })
    void errorsNameTheLine(String text, String message) {
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvParser.parse(text.replace("\\n", "\n"), ','));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " -> ", quoteCharacter = '`', value = {
            "a,b,c -> ,",
            "a;b;c -> ;",
            "a\tb -> tab",
            "\"x;y\",b -> ,",
            "a;b,c;d -> ;",
            "single -> ,"
    })
    void detectsTheDelimiterFromTheHeader(String header, String delimiter) {
        assertEquals(delimiter.equals("tab") ? '\t' : delimiter.charAt(0), CsvParser.detectDelimiter(header + "\n1,2;3\t4\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " -> ", quoteCharacter = '`', value = {
            "12 -> 12", "-3.5 -> -3.5", "+4 -> 4", ".5 -> 0.5", "1e3 -> 1000", "1,234.50 -> 1234.50", "$9.99 -> 9.99",
            "-$5 -> -5", "  7  -> 7"
    })
    void readsNumbers(String cell, String value) {
        assertEquals(0, new BigDecimal(value).compareTo(ColumnStats.number(cell).orElseThrow()));
    }

    @Test
    void refusesNonNumbers() {
        for (String cell : List.of("abc", "1.2.3", "12a", "1,23", "--1", "e5", "1e99999", "Infinity", "0x10")) {
            assertEquals(Optional.empty(), ColumnStats.number(cell), cell);
        }
    }

    @Test
    void numericStatisticsAreExactWhereTheyCanBe() {
        var out = ColumnStats.of("v", List.of("0.1", "0.2", "NA", "0.3", ""));
        assertEquals("number", out.get("type").asText());
        assertEquals(3, out.get("count").asInt());
        assertEquals(2, out.get("missing").asInt());
        assertEquals("0.6", out.get("sum").decimalValue().toPlainString());
        assertEquals("0.2", out.get("mean").decimalValue().toPlainString());
        assertEquals("0.2", out.get("median").decimalValue().toPlainString());
        assertEquals("0.1", out.get("stddev").decimalValue().toPlainString());
    }

    @Test
    void evenCountMedianAveragesTheMiddlePair() {
        assertEquals("2.5", ColumnStats.of("v", List.of("4", "1", "3", "2")).get("median").decimalValue().toPlainString());
    }

    @Test
    void oneNonNumberMakesTheColumnText() {
        var out = ColumnStats.of("v", List.of("1", "2", "two", "2"));
        assertEquals("text", out.get("type").asText());
        assertEquals(3, out.get("distinct").asInt());
        assertEquals("2", out.get("top").get(0).get("value").asText());
    }

    @Test
    void allMissingIsEmpty() {
        assertEquals("empty", ColumnStats.of("v", List.of("", "NA", "null")).get("type").asText());
    }

    @Test
    void topListsAtMostFive() {
        var out = ColumnStats.of("v", List.of("a", "b", "c", "d", "e", "f", "f"));
        assertEquals(5, out.get("top").size());
        assertEquals("f", out.get("top").get(0).get("value").asText());
    }
}
