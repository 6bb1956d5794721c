package dev.chrysalis.directory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds real bundle jars at test time: a hand-written manifest and a class made with the JDK class-file API. */
final class TestBundles {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    static TestBundles bundle(String bsn, String version) {
        TestBundles b = new TestBundles();
        b.headers.put("Bundle-ManifestVersion", "2");
        b.headers.put("Bundle-SymbolicName", bsn);
        b.headers.put("Bundle-Version", version);
        b.headers.put("Bundle-Name", "Test bundle " + bsn);
        b.headers.put("Bundle-Description", "A bundle built by the directory tests: " + bsn);
        b.cls(bsn.replace('-', '_') + ".Main", false);
        return b;
    }

    TestBundles header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    TestBundles file(String name, String text) {
        entries.put(name, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A class with a {@code run()} that reads an environment variable when {@code readsEnv}. */
    TestBundles cls(String className, boolean readsEnv) {
        byte[] bytes = ClassFile.of().build(ClassDesc.of(className), cb -> {
            cb.withFlags(ClassFile.ACC_PUBLIC);
            cb.withMethodBody("run", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                    code -> {
                        if (readsEnv) {
                            code.ldc("HOME");
                            code.invokestatic(ClassDesc.of("java.lang.System"), "getenv",
                                    MethodTypeDesc.of(ConstantDescs.CD_String, ConstantDescs.CD_String));
                            code.pop();
                        }
                        code.return_();
                    });
        });
        entries.put(className.replace('.', '/') + ".class", bytes);
        return this;
    }

    byte[] bytes() {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> m.getMainAttributes().put(new Attributes.Name(k), v));
        var out = new ByteArrayOutputStream();
        try (var jar = new JarOutputStream(out, m)) {
            for (var e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(headers.get("Bundle-SymbolicName") + "-" + headers.get("Bundle-Version") + ".jar");
            Files.write(p, bytes());
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
