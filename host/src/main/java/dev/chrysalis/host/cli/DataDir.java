package dev.chrysalis.host.cli;

import java.nio.file.Path;
import java.util.Map;

/** Where Chrysalis keeps its data when {@code --data-dir} is not given: {@code $CHRYSALIS_HOME}, else {@code ~/.chrysalis}. */
final class DataDir {
    static final String ENV = "CHRYSALIS_HOME";

    private DataDir() {
    }

    static Path resolve(Path option, Map<String, String> env, String userHome) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String home = env.get(ENV);
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        return Path.of(userHome, ".chrysalis").toAbsolutePath().normalize();
    }
}
