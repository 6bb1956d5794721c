package dev.chrysalis.sandbox.worker;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The packages the worker's system bundle exports to the bundles: the SPI and Jackson, from the worker's
 * class path, exactly as their jars export them. The worker runs the host's turn pipeline, which hands SPI
 * records to routers, hooks and skills, so plugins must wire to the very classes the worker uses.
 */
final class SharedPackages {
    private static final List<String> ANCHORS = List.of("dev.chrysalis.spi.skill.Skill",
            "com.fasterxml.jackson.databind.JsonNode", "com.fasterxml.jackson.core.JsonParser",
            "com.fasterxml.jackson.annotation.JsonProperty");

    /** The bundles whose packages these are; the worker never installs them as bundles as well. */
    static final java.util.Set<String> SHARED_BUNDLES = java.util.Set.of("dev.chrysalis.spi",
            "com.fasterxml.jackson.core.jackson-databind", "com.fasterxml.jackson.core.jackson-core",
            "com.fasterxml.jackson.core.jackson-annotations");

    private SharedPackages() {
    }

    /** The comma-joined Export-Package headers of the jars (or class folders) holding the SPI and Jackson. */
    static String exports() throws IOException {
        List<String> exports = new ArrayList<>();
        for (String anchor : ANCHORS) {
            Path location = locationOf(anchor);
            String export = manifestOf(location).getMainAttributes().getValue("Export-Package");
            if (export == null || export.isBlank()) {
                throw new IOException("cannot share the package of " + anchor + " with the bundles: " + location
                        + " has no Export-Package header");
            }
            exports.add(export.strip());
        }
        return String.join(",", exports);
    }

    private static Path locationOf(String className) throws IOException {
        try {
            Class<?> type = Class.forName(className, false, SharedPackages.class.getClassLoader());
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
            throw new IOException("the worker's class path lacks " + className + ": " + e, e);
        }
    }

    private static Manifest manifestOf(Path location) throws IOException {
        if (Files.isDirectory(location)) {
            try (InputStream in = Files.newInputStream(location.resolve("META-INF/MANIFEST.MF"))) {
                return new Manifest(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                throw new IOException(location + " has no manifest");
            }
            return manifest;
        }
    }
}
