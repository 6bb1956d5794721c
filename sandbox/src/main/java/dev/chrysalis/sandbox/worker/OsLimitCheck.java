package dev.chrysalis.sandbox.worker;

import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.guard.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds, after a case, what the operating-system limits stopped: the kernel refuses a write past
 * RLIMIT_FSIZE and an open past RLIMIT_NOFILE with an error the candidate may swallow, so the worker looks
 * for the traces (a file in scratch at the size limit, a descriptor table at the limit) and reports them.
 */
final class OsLimitCheck {
    /** Descriptors the worker itself may need beyond what it holds after a case (a jar, a pipe, a directory). */
    private static final int DESCRIPTOR_HEADROOM = 16;

    private final Path scratch;
    private final long fileSizeLimit;
    private final int openFilesLimit;

    OsLimitCheck(WorkerConfig config) {
        this.scratch = config.scratch();
        this.fileSizeLimit = config.fileSizeLimit();
        this.openFilesLimit = config.openFilesLimit();
    }

    Optional<Violation> breach(long seq) {
        // descriptors first: with the table full, walking scratch would fail for want of one
        Optional<Violation> descriptors = descriptorsExhausted(seq);
        return descriptors.isPresent() ? descriptors : fileAtSizeLimit(seq);
    }

    private Optional<Violation> fileAtSizeLimit(long seq) {
        if (fileSizeLimit <= 0) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            return files.filter(Files::isRegularFile).filter(p -> size(p) >= fileSizeLimit).findFirst()
                    .map(p -> new Violation(Rule.OS_LIMIT, "a file of " + size(p) + " bytes (" + scratch.relativize(p)
                            + ") reached the file-size limit RLIMIT_FSIZE of " + fileSizeLimit + " bytes",
                            "write", "case " + seq));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty(); // scratch changed under the walk; nothing to report from it
        }
    }

    private Optional<Violation> descriptorsExhausted(long seq) {
        if (openFilesLimit <= 0) {
            return Optional.empty();
        }
        Path table = Path.of("/proc/self/fd");
        if (!Files.isDirectory(table)) {
            return Optional.empty(); // no /proc: the kernel's limit still holds, only unreported
        }
        long open;
        try (Stream<Path> fds = Files.list(table)) {
            open = fds.count();
        } catch (IOException e) {
            open = openFilesLimit; // listing needs a descriptor: failing to get one means the table is full
        }
        if (open >= openFilesLimit - DESCRIPTOR_HEADROOM) {
            return Optional.of(new Violation(Rule.OS_LIMIT, open + " open file descriptors, at the limit RLIMIT_NOFILE of "
                    + openFilesLimit, "open", "case " + seq));
        }
        return Optional.empty();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
