package dev.chrysalis.inference.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar redrawn with carriage returns (on the error stream). */
final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintStream err;
    private final String label;
    private int lastPercent = -1;
    private boolean open;

    ProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    synchronized void update(double fraction) {
        int percent = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 100);
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        err.printf(Locale.ROOT, "\r%s [%s%s] %3d%%", label, "#".repeat(filled), " ".repeat(WIDTH - filled), percent);
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
