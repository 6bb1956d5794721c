package dev.chrysalis.host.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of the CLI: exit status and what it printed. */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8);
             var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = ChrysalisCli.run(o, e, args);
        }
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Failed with exactly one line on stderr (no stack trace) containing {@code text}. */
    boolean failedWith(int expected, String text) {
        return status == expected && err.strip().lines().count() <= 2 && err.contains(text)
                && !err.contains("\tat ") && !err.contains("Exception:");
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
