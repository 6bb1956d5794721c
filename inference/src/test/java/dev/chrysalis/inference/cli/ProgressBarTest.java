package dev.chrysalis.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static String run(boolean redraw, boolean finish) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(err, "loading m.gguf", redraw);
        for (int i = 0; i <= 40; i++) {
            bar.update(i / 50.0);
        }
        if (finish) {
            bar.done();
        } else {
            bar.abort();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTerminalSeesTheBarRedrawnInPlace() {
        String out = run(true, true);
        assertTrue(out.startsWith("\rloading m.gguf [") && out.endsWith("] 100%" + System.lineSeparator()), out);
        assertEquals(42, out.chars().filter(c -> c == '\r').count(), "0..80% in steps of 2, then 100%");
    }

    @Test
    void aLogGetsOneLineWhenTheWorkIsDoneAndNoneWhenItFails() {
        assertEquals("loading m.gguf [" + "#".repeat(30) + "] 100%" + System.lineSeparator(), run(false, true));
        assertEquals("", run(false, false));
    }
}
