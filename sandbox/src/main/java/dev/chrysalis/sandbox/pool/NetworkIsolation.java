package dev.chrysalis.sandbox.pool;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How to start a process without network access: {@code unshare -n} (root) or {@code unshare -rn}
 * (unprivileged user namespaces), whichever works on this machine, or nothing.
 */
public record NetworkIsolation(List<String> prefix) {
    public NetworkIsolation {
        prefix = List.copyOf(prefix);
    }

    public static NetworkIsolation none() {
        return new NetworkIsolation(List.of());
    }

    /** Tries the variants once (a few milliseconds each) and keeps the first that works. */
    public static NetworkIsolation probe() {
        for (List<String> candidate : List.of(List.of("unshare", "-n", "--"), List.of("unshare", "-rn", "--"))) {
            try {
                var command = new java.util.ArrayList<>(candidate);
                command.add("true");
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return new NetworkIsolation(candidate);
                }
                p.destroyForcibly();
            } catch (java.io.IOException e) {
                return none(); // no unshare on this machine
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return none();
            }
        }
        return none();
    }

    public boolean active() {
        return !prefix.isEmpty();
    }
}
