package dev.chrysalis.sandbox.guard;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What sandboxed code may touch.
 *
 * @param scratch          the only directory sandboxed code may write to (and read from)
 * @param readRoots        further directories it may read (the JDK, the framework cache, the runtime jars)
 * @param readableFiles    single files it may read (e.g. {@code /dev/urandom})
 * @param allowedEnv       environment variables it may read
 * @param allowedProperties system properties it may read (exact names)
 * @param allowedPropertyPrefixes system property prefixes it may read (JDK tuning knobs), minus
 * @param deniedProperties  names that stay denied although a prefix allows them
 * @param threadCap        how many live threads sandboxed code may have started at once
 */
public record GuardConfig(Path scratch, List<Path> readRoots, Set<Path> readableFiles, Set<String> allowedEnv,
                          Set<String> allowedProperties, List<String> allowedPropertyPrefixes,
                          Set<String> deniedProperties, int threadCap) {
    public GuardConfig {
        Objects.requireNonNull(scratch, "scratch");
        scratch = scratch.toAbsolutePath().normalize();
        readRoots = List.copyOf(readRoots);
        readableFiles = Set.copyOf(readableFiles);
        allowedEnv = Set.copyOf(allowedEnv);
        allowedProperties = Set.copyOf(allowedProperties);
        allowedPropertyPrefixes = List.copyOf(allowedPropertyPrefixes);
        deniedProperties = Set.copyOf(deniedProperties);
        if (threadCap < 1) {
            throw new IllegalArgumentException("thread cap must be at least 1, got " + threadCap);
        }
    }

    /** The usual whitelist: harmless locale, encoding and JDK tuning properties; LANG-like variables. */
    public static GuardConfig standard(Path scratch, List<Path> readRoots, int threadCap) {
        return new GuardConfig(scratch, readRoots,
                Set.of(Path.of("/dev/urandom"), Path.of("/dev/random"), Path.of("/dev/null")),
                Set.of("LANG", "LC_ALL", "LC_CTYPE", "TZ"),
                Set.of("line.separator", "file.separator", "path.separator", "file.encoding", "native.encoding",
                        "stdout.encoding", "stderr.encoding", "sun.jnu.encoding", "os.name", "os.arch", "os.version",
                        "java.version", "java.vendor", "java.io.tmpdir", "user.language", "user.country",
                        "user.region", "user.variant", "user.script", "user.timezone"),
                List.of("java.specification.", "java.vm.", "java.runtime.", "java.class.version", "java.lang.",
                        "java.util.", "java.nio.", "java.time.", "java.locale.", "java.text.", "jdk.", "sun.",
                        "com.fasterxml.jackson."),
                Set.of("sun.java.command", "sun.boot.library.path", "jdk.module.path", "jdk.debug",
                        "sun.java.launcher", "jdk.module.main"),
                threadCap);
    }

    public boolean propertyAllowed(String name) {
        if (allowedProperties.contains(name)) {
            return true;
        }
        if (deniedProperties.contains(name)) {
            return false;
        }
        for (String prefix : allowedPropertyPrefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
