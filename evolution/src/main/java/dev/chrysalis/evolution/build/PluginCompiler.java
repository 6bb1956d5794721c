package dev.chrysalis.evolution.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import org.eclipse.jdt.internal.compiler.tool.EclipseCompiler;

/**
 * Compiles a plugin's Java sources in memory with the Eclipse compiler (ecj, through javax.tools): sources
 * come from strings, class files land in a map, diagnostics come back as data. One compiler and one file
 * manager serve every compile (one at a time), so the class path jars are opened and indexed once, not once
 * per candidate: that halves the CPU time of a compile after the first.
 */
public final class PluginCompiler {
    public static final String CLASSPATH_PROPERTY = "chrysalis.evolution.compileClasspath";

    private final List<Path> classpath;
    private final JavaCompiler compiler = new EclipseCompiler();
    private StandardJavaFileManager shared;

    /** @param classpath the jars plugin sources compile against (SPI, Jackson, OSGi annotations) */
    public PluginCompiler(List<Path> classpath) {
        for (Path p : classpath) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException("compile class path entry " + p + " does not exist");
            }
        }
        this.classpath = List.copyOf(classpath);
    }

    /** The jars in a directory (as the evolution build provisions them). */
    public static List<Path> jarsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw new IllegalArgumentException("compile class path directory " + dir + " holds no jars");
            }
            return jars;
        } catch (IOException e) {
            throw new IllegalArgumentException("compile class path directory " + dir + " cannot be listed: " + e.getMessage(), e);
        }
    }

    public List<Path> classpath() {
        return classpath;
    }

    /**
     * @param sources path (e.g. {@code src/main/java/a/B.java}) -> source text; only {@code .java} entries are
     *                compiled. ecj's javax.tools front end reads compilation units from files, so the sources are
     *                staged in a private temporary directory; class files never touch the disk.
     */
    public CompileResult compile(Map<String, String> sources) {
        Path staging;
        try {
            staging = Files.createTempDirectory("chrysalis-compile-");
        } catch (IOException e) {
            return new CompileResult.Failed(List.of(new CompileDiagnostic("", 0, "ERROR", "cannot stage sources: " + e.getMessage())));
        }
        try {
            return compileStaged(sources, staging);
        } finally {
            try (Stream<Path> s = Files.walk(staging)) {
                for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.getLogger(PluginCompiler.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot remove staged sources " + staging + ": " + e.getMessage());
            }
        }
    }

    /** The file manager every compile shares, its class path set once. */
    private StandardJavaFileManager fileManager() throws IOException {
        if (shared == null) {
            StandardJavaFileManager fm = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
            fm.setLocation(StandardLocation.CLASS_PATH, classpath.stream().map(Path::toFile).toList());
            shared = fm;
        }
        return shared;
    }

    private synchronized CompileResult compileStaged(Map<String, String> sources, Path staging) {
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<Path, String> staged = new TreeMap<>();
        try {
            for (var e : sources.entrySet()) {
                if (e.getKey().endsWith(".java")) {
                    Path p = staging.resolve(e.getKey()).normalize();
                    if (!p.startsWith(staging)) {
                        throw new IllegalArgumentException("source path '" + e.getKey() + "' leaves the plugin folder");
                    }
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, e.getValue());
                    staged.put(p.toAbsolutePath(), e.getKey());
                }
            }
        } catch (IOException e) {
            return new CompileResult.Failed(List.of(new CompileDiagnostic("", 0, "ERROR", "cannot stage sources: " + e.getMessage())));
        }
        if (staged.isEmpty()) {
            return new CompileResult.Failed(List.of(new CompileDiagnostic("", 0, "ERROR", "no Java sources to compile")));
        }
        Map<String, ByteArrayOutputStream> out = new TreeMap<>();
        StringWriter log = new StringWriter();
        try {
            StandardJavaFileManager standard = fileManager();
            JavaFileManager files = new MemoryOutput(standard, out);
            Iterable<? extends JavaFileObject> units = standard.getJavaFileObjectsFromPaths(staged.keySet());
            List<String> options = List.of("--release", "25", "-proc:none", "-nowarn", "-parameters", "-encoding", "UTF-8");
            boolean ok = compiler.getTask(new PrintWriter(log), files, diagnostics, options, null, units).call();
            List<CompileDiagnostic> found = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                String file = "";
                if (d.getSource() != null) {
                    Path p = Path.of(d.getSource().toUri()).toAbsolutePath();
                    file = staged.getOrDefault(p, p.toString());
                }
                found.add(new CompileDiagnostic(file, d.getLineNumber(), d.getKind().name(), d.getMessage(Locale.ROOT)));
            }
            if (!ok || found.stream().anyMatch(d -> d.kind().equals("ERROR"))) {
                if (found.isEmpty()) {
                    found.add(new CompileDiagnostic("", 0, "ERROR", "compiler failed: " + log.toString().strip()));
                }
                return new CompileResult.Failed(found);
            }
            Map<String, byte[]> classes = new TreeMap<>();
            out.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
            return new CompileResult.Compiled(classes, found);
        } catch (IOException | RuntimeException e) {
            return new CompileResult.Failed(List.of(new CompileDiagnostic("", 0, "ERROR", "compiler failed: " + e)));
        }
    }

    private static final class MemoryOutput extends ForwardingJavaFileManager<StandardJavaFileManager> {
        private final Map<String, ByteArrayOutputStream> out;

        MemoryOutput(StandardJavaFileManager delegate, Map<String, ByteArrayOutputStream> out) {
            super(delegate);
            this.out = out;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            String path = className.replace('.', '/') + kind.extension;
            return new SimpleJavaFileObject(URI.create("mem:///out/" + path), kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    out.put(path, bytes);
                    return bytes;
                }
            };
        }

        @Override
        public boolean hasLocation(Location location) {
            return location != StandardLocation.ANNOTATION_PROCESSOR_PATH && super.hasLocation(location);
        }

        @Override
        public void close() {
            // the shared file manager outlives one compile: its open class path jars are what the next compile reuses
        }
    }
}
