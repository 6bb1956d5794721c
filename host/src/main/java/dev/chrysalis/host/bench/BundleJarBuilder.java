package dev.chrysalis.host.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

/**
 * Writes a small OSGi bundle jar by hand: a manifest, class files copied from the class path, resources and
 * Declarative Services component descriptors. Used to make the two versions of the bench skill at bench time
 * (and test bundles in the tests) without a build tool.
 */
public final class BundleJarBuilder {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final List<String> components = new ArrayList<>();

    private BundleJarBuilder(String symbolicName, String version) {
        headers.put("Bundle-ManifestVersion", "2");
        headers.put("Bundle-SymbolicName", symbolicName);
        headers.put("Bundle-Version", version);
    }

    public static BundleJarBuilder bundle(String symbolicName, String version) {
        return new BundleJarBuilder(symbolicName, version);
    }

    public BundleJarBuilder header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public BundleJarBuilder withoutHeader(String name) {
        headers.remove(name);
        return this;
    }

    public BundleJarBuilder resource(String path, String text) {
        entries.put(path, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Copies the class files of {@code classes} (and of their nested classes) from their class loader. */
    public BundleJarBuilder classes(Class<?>... classes) {
        for (Class<?> c : classes) {
            String path = c.getName().replace('.', '/') + ".class";
            try (InputStream in = c.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalArgumentException("class file " + path + " is not on the class path");
                }
                entries.put(path, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
            for (Class<?> nested : c.getDeclaredClasses()) {
                classes(nested);
            }
        }
        return this;
    }

    /** Declares a DS component (immediate when {@code immediate}) implemented by {@code impl}, providing {@code service}. */
    public BundleJarBuilder component(String name, Class<?> impl, Class<?> service, boolean immediate) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" immediate="%s">
                  <implementation class="%s"/>
                  <service><provide interface="%s"/></service>
                </scr:component>
                """.formatted(name, immediate, impl.getName(), service.getName());
        String path = "OSGI-INF/" + name + ".xml";
        entries.put(path, xml.getBytes(StandardCharsets.UTF_8));
        components.add(path);
        return this;
    }

    public BundleJarBuilder component(String name, Class<?> impl, Class<?> service) {
        return component(name, impl, service, false);
    }

    public byte[] build() {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> main.put(new Attributes.Name(k), v));
        if (!components.isEmpty() && !headers.containsKey("Service-Component")) {
            main.put(new Attributes.Name("Service-Component"), String.join(",", components));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bundle jar", e);
        }
        return bytes.toByteArray();
    }

    public Path write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, build());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
