package dev.chrysalis.governance.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles Java sources in memory with the JDK compiler and packs them into bundle jars for tests. */
public final class TestJars {
    private static final JavaCompiler COMPILER = ToolProvider.getSystemJavaCompiler();

    private TestJars() {
    }

    /** Compiles {@code sources} (fully qualified class name -> source) and returns internal name -> class bytes. */
    public static Map<String, byte[]> compile(Map<String, String> sources) {
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, code) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        }));
        Map<String, ByteArrayOutputStream> out = new LinkedHashMap<>();
        StandardJavaFileManager standard = COMPILER.getStandardFileManager(null, null, null);
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        var bytes = new ByteArrayOutputStream();
                        out.put(className.replace('.', '/'), bytes);
                        return bytes;
                    }
                };
            }
        };
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        boolean ok = COMPILER.getTask(null, manager, diagnostics, List.of("--release", "25", "-g"), null, units).call();
        if (!ok) {
            throw new IllegalStateException("test sources do not compile: " + diagnostics.getDiagnostics());
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return classes;
    }

    /** A jar with a manifest holding {@code headers} and the given entries (path -> bytes). */
    public static byte[] jar(Map<String, String> headers, Map<String, byte[]> entries) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> manifest.getMainAttributes().put(new Attributes.Name(k), v));
        var bytes = new ByteArrayOutputStream();
        try (var jar = new JarOutputStream(bytes, manifest)) {
            for (var e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A bundle jar compiled from {@code sources}, with its sources packed beside the classes under OSGI-OPT/src. */
    public static byte[] bundle(String symbolicName, String capabilities, Map<String, String> sources) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        compile(sources).forEach((name, bytes) -> entries.put(name + ".class", bytes));
        sources.forEach((name, code) -> entries.put("OSGI-OPT/src/" + name.replace('.', '/') + ".java",
                code.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Bundle-SymbolicName", symbolicName);
        headers.put("Bundle-Version", "1.0.0");
        if (capabilities != null) {
            headers.put("Chrysalis-Capabilities", capabilities);
        }
        return jar(headers, entries);
    }

    public static Path write(Path dir, String fileName, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(fileName), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
