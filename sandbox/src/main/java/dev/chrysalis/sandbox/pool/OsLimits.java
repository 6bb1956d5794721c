package dev.chrysalis.sandbox.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Per-process operating-system limits a worker starts under ({@code prlimit}), on top of the guard and
 * the parent's per-case limits. Chosen to suit a JVM: no address-space limit (it breaks the JVM's heap and
 * code-cache reservations), but a CPU-time backstop for the worker's whole life, a cap on open files, a
 * cap on the size of any one file it writes (a multi-GB write inside scratch stops at the limit with
 * {@code EFBIG}; the JVM ignores {@code SIGXFSZ}) and no core dumps.
 *
 * @param cpuSeconds     CPU time of the whole worker process; past it the kernel sends {@code SIGXCPU}
 * @param openFiles      open file descriptors of the process
 * @param fileSizeBytes  the largest file the process may write
 */
public record OsLimits(long cpuSeconds, int openFiles, long fileSizeBytes) {
    /** Exit status of a JVM the kernel ended with SIGXCPU (128 + 24). */
    public static final int EXIT_CPU_LIMIT = 128 + 24;
    /** Exit status of a process ended by SIGXFSZ (128 + 25); the JVM normally ignores it and sees EFBIG. */
    public static final int EXIT_FILE_SIZE_LIMIT = 128 + 25;

    private static final List<Path> PRLIMIT = List.of(Path.of("/usr/bin/prlimit"), Path.of("/bin/prlimit"));

    public OsLimits {
        if (cpuSeconds < 1 || openFiles < 64 || fileSizeBytes < 1 << 20) {
            throw new IllegalArgumentException("OS limits out of range (cpu >= 1 s, open files >= 64, file size >= 1 MiB): "
                    + cpuSeconds + " s, " + openFiles + " files, " + fileSizeBytes + " bytes");
        }
    }

    /** 10 minutes of CPU per worker, 1024 open files, 256 MiB per file. */
    public static OsLimits defaults() {
        return new OsLimits(600, 1024, 256L << 20);
    }

    /**
     * The command prefix that applies these limits: {@code prlimit --cpu=S:H --nofile=N:N --fsize=B:B --core=0 --},
     * or nothing where no working {@code prlimit} exists (the limits are then not applied; the guard and the
     * parent's limits still are).
     */
    public List<String> prefix() {
        return prefix(PRLIMIT);
    }

    /** {@link #prefix()} looking for {@code prlimit} only at {@code locations}. */
    List<String> prefix(List<Path> locations) {
        return prlimit(locations).map(this::command).orElse(List.of());
    }

    private List<String> command(Path prlimit) {
        List<String> cmd = new ArrayList<>();
        cmd.add(prlimit.toString());
        // soft < hard for the CPU: SIGXCPU at the soft limit ends the JVM (it has no handler for it)
        cmd.add("--cpu=" + cpuSeconds + ":" + (cpuSeconds + 5));
        cmd.add("--nofile=" + openFiles + ":" + openFiles);
        cmd.add("--fsize=" + fileSizeBytes + ":" + fileSizeBytes);
        cmd.add("--core=0:0");
        cmd.add("--");
        return cmd;
    }

    /** Whether this machine has a {@code prlimit} that works (checked once per call: a few milliseconds). */
    public static boolean available() {
        return prlimit(PRLIMIT).isPresent();
    }

    private static Optional<Path> prlimit(List<Path> locations) {
        for (Path p : locations) {
            if (Files.isExecutable(p) && works(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean works(Path prlimit) {
        try {
            Process p = new ProcessBuilder(prlimit.toString(), "--core=0:0", "--", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(5, TimeUnit.SECONDS)) {
                return p.exitValue() == 0;
            }
            p.destroyForcibly();
            return false;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Why a worker that ended with {@code exitCode} was ended by one of these limits, if it was. */
    public Optional<String> breachFromExit(int exitCode) {
        return switch (exitCode) {
            case EXIT_CPU_LIMIT -> Optional.of("the operating system's CPU-time limit of the worker (RLIMIT_CPU, "
                    + cpuSeconds + " s) ended it (SIGXCPU)");
            case EXIT_FILE_SIZE_LIMIT -> Optional.of("the operating system's file-size limit (RLIMIT_FSIZE, "
                    + fileSizeBytes + " bytes) ended the worker (SIGXFSZ)");
            default -> Optional.empty();
        };
    }
}
