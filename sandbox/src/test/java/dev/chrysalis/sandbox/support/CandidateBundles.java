package dev.chrysalis.sandbox.support;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds candidate bundles at test time from test classes, with bndlib (imports computed from the code). */
public final class CandidateBundles {
    private final Path outputDir;

    public CandidateBundles(Path outputDir) {
        this.outputDir = outputDir;
    }

    /**
     * A bundle holding the classes of {@code pkg}, with {@code headers} (e.g. Bundle-Activator,
     * -dsannotations) added.
     */
    public Path build(String name, String pkg, Map<String, String> headers) throws Exception {
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", "test.candidate." + name);
            b.setProperty("Bundle-Version", "1.0.0");
            b.setProperty("Private-Package", pkg);
            b.setProperty("Import-Package", "*");
            b.setProperty("-noextraheaders", "true");
            headers.forEach(b::setProperty);
            for (String entry : classpath().split(File.pathSeparator)) {
                if (!entry.isBlank() && new File(entry).exists()) {
                    b.addClasspath(new File(entry));
                }
            }
            Jar jar = b.build();
            if (!b.getErrors().isEmpty()) {
                throw new IllegalStateException("bnd could not build " + name + ": " + b.getErrors());
            }
            Files.createDirectories(outputDir);
            Path out = outputDir.resolve(name + ".jar");
            jar.write(out.toFile());
            return out;
        }
    }

    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null ? surefire : System.getProperty("java.class.path");
    }
}
