package dev.chrysalis.evolution.support;

import dev.chrysalis.evolution.build.PluginCompiler;
import java.nio.file.Path;
import java.util.List;

/** Where the evolution build put what the tests need (set by surefire), with fallbacks for IDE runs. */
public final class Build {
    private Build() {
    }

    /** The repository root: shipped skills/ and plugins/harness/ live under it. */
    public static Path projectRoot() {
        return Path.of(System.getProperty("chrysalis.evolution.sources", "..")).toAbsolutePath().normalize();
    }

    public static List<Path> compileClasspath() {
        String dir = System.getProperty(PluginCompiler.CLASSPATH_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("system property " + PluginCompiler.CLASSPATH_PROPERTY + " is not set (run through Maven)");
        }
        return PluginCompiler.jarsIn(Path.of(dir));
    }

    public static Path sandboxBuild() {
        String dir = System.getProperty("chrysalis.evolution.sandboxBuild");
        if (dir == null) {
            throw new IllegalStateException("system property chrysalis.evolution.sandboxBuild is not set (run through Maven)");
        }
        return Path.of(dir);
    }
}
