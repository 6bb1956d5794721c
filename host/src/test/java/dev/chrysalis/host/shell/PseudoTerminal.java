package dev.chrysalis.host.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a command on a real pseudo-terminal (util-linux {@code script}) and drives it like a person would:
 * type keys, wait until the screen shows something. The transcript is kept with terminal escape sequences
 * removed, so tests match on what a person would read.
 */
final class PseudoTerminal implements AutoCloseable {
    private final Process process;
    private final OutputStream keys;
    private final StringBuilder raw = new StringBuilder();
    private final Thread pump;
    private int mark;

    private PseudoTerminal(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
        InputStream screen = process.getInputStream();
        this.pump = Thread.ofPlatform().daemon().name("pty-reader").start(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = screen.read(buffer)) > 0) {
                    String chunk = new String(buffer, 0, n, StandardCharsets.UTF_8);
                    synchronized (raw) {
                        raw.append(chunk);
                        raw.notifyAll();
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        });
    }

    /** The {@code script} tool, when this machine has it (util-linux). */
    static Optional<Path> scriptTool() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(dir, "script");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts {@code command} on a fresh pty of 120x40 with {@code TERM=xterm-256color}. */
    static PseudoTerminal start(Path script, List<String> command, Map<String, String> env) throws IOException {
        String quoted = command.stream().map(PseudoTerminal::shellQuote).collect(Collectors.joining(" "));
        var pb = new ProcessBuilder(script.toString(), "-q", "-f", "-e", "-c",
                "stty cols 120 rows 40; exec " + quoted, "/dev/null");
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        return new PseudoTerminal(pb.start());
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Types {@code text} (use {@code \r} for Enter, {@code \t} for Tab). */
    void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /**
     * Waits until {@code needle} appears on the screen after the previous match, and returns the screen
     * text from the previous match up to and including it.
     */
    String expect(String needle, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (raw) {
            while (true) {
                String text = plain(raw.toString());
                int at = text.indexOf(needle, mark);
                if (at >= 0) {
                    String seen = text.substring(mark, at + needle.length());
                    mark = at + needle.length();
                    return seen;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !pump.isAlive())) {
                    throw new AssertionError("the terminal never showed '" + needle + "' (alive=" + process.isAlive()
                            + "); the screen after the last match was:\n" + text.substring(Math.min(mark, text.length())));
                }
                raw.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, 200_000_000L))));
            }
        }
    }

    /** Everything shown so far, escape sequences removed. */
    String transcript() {
        synchronized (raw) {
            return plain(raw.toString());
        }
    }

    /** Waits for the program to exit; its exit status. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the shell did not exit; screen:\n" + transcript());
        }
        pump.join(2_000);
        return process.exitValue();
    }

    /** Removes CSI/OSC escape sequences and carriage returns. */
    static String plain(String s) {
        return s.replaceAll("\u001B\\[[0-9;?<=>]*[ -/]*[@-~]", "")
                .replaceAll("\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)", "")
                .replaceAll("\u001B[()][A-Za-z0-9]", "")
                .replaceAll("\u001B[=>78]", "")
                .replace("\r", "");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
