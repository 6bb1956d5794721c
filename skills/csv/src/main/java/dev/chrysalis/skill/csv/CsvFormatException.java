package dev.chrysalis.skill.csv;

/** A CSV text that cannot be read; the message names the line and the problem. */
final class CsvFormatException extends Exception {
    CsvFormatException(String message) {
        super(message);
    }
}
