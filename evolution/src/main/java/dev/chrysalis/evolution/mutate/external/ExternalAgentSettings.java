package dev.chrysalis.evolution.mutate.external;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An external coding-agent command and its limits.
 *
 * @param command        the argv; {@code {prompt}} in an argument is replaced by the prompt file's path and
 *                       {@code {dir}} by the worktree copy it runs in (the prompt also arrives on stdin)
 * @param timeout        the most one run may take; then it and its children are killed
 * @param maxOutputBytes how much of its output (stdout and stderr together) is kept for the journal
 * @param scratch        where the temporary worktree copies are made (the system temp folder when empty);
 *                       never the workspace repository or the data directory
 */
public record ExternalAgentSettings(List<String> command, Duration timeout, int maxOutputBytes, Optional<Path> scratch) {
    public ExternalAgentSettings {
        command = List.copyOf(command);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(scratch, "scratch");
        if (command.isEmpty() || command.getFirst().isBlank()) {
            throw new IllegalArgumentException("the external agent command is empty");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the external agent timeout must be positive, got " + timeout);
        }
        if (maxOutputBytes < 256) {
            throw new IllegalArgumentException("the external agent output limit must be at least 256 bytes, got " + maxOutputBytes);
        }
    }

    /** The command with a ten-minute timeout and 16 KiB of output kept. */
    public static ExternalAgentSettings of(List<String> command) {
        return new ExternalAgentSettings(command, Duration.ofMinutes(10), 16 * 1024, Optional.empty());
    }

    public ExternalAgentSettings withTimeout(Duration t) {
        return new ExternalAgentSettings(command, t, maxOutputBytes, scratch);
    }

    public ExternalAgentSettings withMaxOutputBytes(int n) {
        return new ExternalAgentSettings(command, timeout, n, scratch);
    }

    public ExternalAgentSettings withScratch(Path dir) {
        return new ExternalAgentSettings(command, timeout, maxOutputBytes, Optional.of(dir));
    }
}
