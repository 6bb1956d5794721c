package dev.chrysalis.inference.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line text progress bar on the error stream: redrawn with carriage returns on a terminal; elsewhere (a log, a
 * pipe) drawn once, when the work is done, so a log gets one line instead of every redraw.
 */
final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintStream err;
    private final String label;
    private final boolean redraw;
    private int lastPercent = -1;
    private boolean open;

    ProgressBar(PrintStream err, String label) {
        this(err, label, System.console() != null && System.console().isTerminal() && err == System.err);
    }

    ProgressBar(PrintStream err, String label, boolean redraw) {
        this.err = err;
        this.label = label;
        this.redraw = redraw;
    }

    synchronized void update(double fraction) {
        int percent = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 100);
        if (percent == lastPercent || (!redraw && percent < 100)) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        err.printf(Locale.ROOT, "%s%s [%s%s] %3d%%", redraw ? "\r" : "", label, "#".repeat(filled), " ".repeat(WIDTH - filled), percent);
        err.flush();
        open = true;
    }

    synchronized void done() {
        update(1);
        err.println();
        open = false;
    }

    synchronized void abort() {
        if (open) {
            err.println();
            open = false;
        }
    }
}
