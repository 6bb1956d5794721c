package dev.chrysalis.host.runtime;

import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.util.Set;

/**
 * Resolves ahead of time the classes a plugin's code names. The JVM resolves a class reference lazily, at its
 * first execution, by asking the referring class's loader; for a bundle that is the framework's Java loader,
 * called from inside the JVM, which pins a virtual thread to its carrier. Right after a cut-over every session
 * runs the new version's code for the first time at once: with all carriers pinned in such look-ups (Jackson,
 * the SPI, the JDK, through the bundle's wiring) the sessions stall each other. Loading each referenced class
 * here, through the bundle's loader with {@link Class#forName(String, boolean, ClassLoader)}, records that loader
 * as an initiating loader of the class, so the JVM's later resolution is a table look-up with no call into Java.
 */
final class ClassReferences {
    private ClassReferences() {
    }

    /**
     * Loads (without initializing) every class named in the constant pool of {@code classFile} through {@code loader},
     * skipping names in {@code done} and adding the ones it tried. A class that cannot be loaded is left alone:
     * the JVM would fail on it at first use, as it would have anyway.
     *
     * @return how many classes were loaded
     * @throws IllegalArgumentException {@code classFile} is not a class file
     */
    static int resolve(byte[] classFile, ClassLoader loader, Set<String> done) {
        int loaded = 0;
        for (PoolEntry entry : ClassFile.of().parse(classFile).constantPool()) {
            if (!(entry instanceof ClassEntry c)) {
                continue;
            }
            String name = binaryName(c.asInternalName());
            if (name.isEmpty() || !done.add(name)) {
                continue;
            }
            try {
                Class.forName(name, false, loader);
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // unused or optional reference: resolved (and failing) lazily, exactly as without this
            }
        }
        return loaded;
    }

    /** {@code com/x/Y} -> {@code com.x.Y}; an array of objects -> its element class; a primitive array -> "". */
    static String binaryName(String internal) {
        int dims = 0;
        while (dims < internal.length() && internal.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return internal.replace('/', '.');
        }
        if (dims < internal.length() && internal.charAt(dims) == 'L' && internal.endsWith(";")) {
            return internal.substring(dims + 1, internal.length() - 1).replace('/', '.');
        }
        return "";
    }
}
