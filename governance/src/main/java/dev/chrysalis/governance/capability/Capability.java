package dev.chrysalis.governance.capability;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a bundle may do beyond pure computation. Bundles declare the ones they need in the manifest header
 * {@value CapabilityDeclaration#HEADER}; the bytecode scan finds the ones they actually use.
 */
public enum Capability {
    FS_READ("fs.read", "read files or list directories"),
    FS_WRITE("fs.write", "create, change, move or delete files"),
    NET("net", "open network connections or resolve host names"),
    PROCESS("process", "start or control operating-system processes"),
    NATIVE("native", "load native libraries or call native code"),
    REFLECTION("reflection", "reach code by name or bypass access checks (defeats the static scan)"),
    ENV("env", "read environment variables"),
    EXIT("exit", "stop the JVM"),
    CLASSLOADER("classloader", "define or load classes at run time");

    private final String id;
    private final String meaning;

    Capability(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    /** The name used in manifests, policy files and reports, e.g. {@code fs.read}. */
    public String id() {
        return id;
    }

    public String meaning() {
        return meaning;
    }

    public static Optional<Capability> byId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id.strip())).findFirst();
    }

    /** @throws UnknownCapabilityException naming {@code where} and the known names */
    public static Capability parse(String id, String where) {
        return byId(id).orElseThrow(() -> new UnknownCapabilityException(where + ": unknown capability '" + id.strip()
                + "' (known: " + String.join(", ", Arrays.stream(values()).map(Capability::id).toList()) + ")"));
    }

    @Override
    public String toString() {
        return id;
    }
}
