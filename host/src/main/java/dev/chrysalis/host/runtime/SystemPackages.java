package dev.chrysalis.host.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The packages the system bundle exports to plugins: exactly the {@code Export-Package} headers of the jars
 * that hold the SPI and Jackson on the host's class path. The host calls skills, routers and hooks directly
 * and passes SPI records (TurnData, SkillResult, JsonNode) across, which needs one class space: plugins must
 * wire to the very classes the host uses, so these are shared from the class path rather than installed as
 * separate bundles. Everything else (SCR, the OSGi component API) runs as real bundles.
 */
final class SystemPackages {

    private SystemPackages() {
    }

    /** The comma-joined Export-Package headers of the jars (or class folders) holding {@code anchors}. */
    static String exportsOf(List<Class<?>> anchors) {
        List<String> exports = new ArrayList<>();
        for (Class<?> anchor : anchors) {
            Path location = locationOf(anchor);
            Manifest manifest = manifestOf(location, anchor);
            String export = manifest.getMainAttributes().getValue("Export-Package");
            if (export == null || export.isBlank()) {
                throw new IllegalStateException("cannot share " + anchor.getPackageName() + " with plugins: "
                        + location + " has no Export-Package header (is it a bundle built with bnd?)");
            }
            exports.add(export.trim());
        }
        return String.join(",", exports);
    }

    private static Path locationOf(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot find where " + anchor.getName() + " was loaded from");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read the location of " + anchor.getName() + ": " + source.getLocation(), e);
        }
    }

    private static Manifest manifestOf(Path location, Class<?> anchor) {
        try {
            if (Files.isDirectory(location)) {
                Path mf = location.resolve("META-INF/MANIFEST.MF");
                if (!Files.isRegularFile(mf)) {
                    throw new IllegalStateException("cannot share " + anchor.getPackageName() + " with plugins: "
                            + location + " has no META-INF/MANIFEST.MF");
                }
                try (InputStream in = Files.newInputStream(mf)) {
                    return new Manifest(in);
                }
            }
            try (JarFile jar = new JarFile(location.toFile())) {
                Manifest manifest = jar.getManifest();
                if (manifest == null) {
                    throw new IllegalStateException("cannot share " + anchor.getPackageName() + " with plugins: "
                            + location + " has no manifest");
                }
                return manifest;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the manifest of " + location + ": " + e.getMessage(), e);
        }
    }
}
