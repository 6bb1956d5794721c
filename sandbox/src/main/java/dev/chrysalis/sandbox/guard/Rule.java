package dev.chrysalis.sandbox.guard;

/**
 * What a sandboxed candidate is not allowed to do. The first group is enforced by the guard agent inside
 * the worker (a denied call throws {@link SandboxViolation}); the second group are resource limits the
 * worker and the parent enforce (a breach ends the worker).
 */
public enum Rule {
    FILE_READ("read a file outside the scratch directory and the runtime"),
    FILE_WRITE("write, create, delete or link a file outside the scratch directory"),
    NETWORK("open a socket or resolve a host name"),
    PROCESS("start, inspect or signal an operating-system process"),
    EXIT("terminate the JVM (System.exit, Runtime.halt)"),
    NATIVE("load native code (System.load, loadLibrary, FFM linker)"),
    REFLECTION("break into classes of other bundles or of the JDK (setAccessible, privateLookupIn)"),
    UNSAFE("obtain sun.misc.Unsafe"),
    CLASSLOADER("create a class loader"),
    ENVIRONMENT("read an environment variable that is not whitelisted"),
    SYSTEM_PROPERTY("read or change a system property that is not whitelisted"),
    SYSTEM_STATE("replace the JVM's standard streams"),
    ATTACH_JMX("attach to a JVM or use JMX"),
    DESERIALIZATION("deserialize Java objects"),
    FRAMEWORK("install, start, stop, update or uninstall bundles, or stop the framework"),
    THREAD_LIMIT("start more threads than the worker allows"),
    MEMORY_LIMIT("exhaust the worker's heap"),
    STACK_DEPTH("overflow the thread stack"),
    OUTPUT_LIMIT("produce more output than the worker allows"),
    OS_LIMIT("exceed an operating-system limit of the worker process (file size, open files)");

    private final String description;

    Rule(String description) {
        this.description = description;
    }

    /** What the rule forbids, in words (e.g. "open a socket or resolve a host name"). */
    public String description() {
        return description;
    }

    /** The rule's name as tables and reports show it: lower case with dashes (e.g. {@code file-write}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Inverse of {@link #label()} and of {@link #name()}. */
    public static Rule parse(String text) {
        for (Rule r : values()) {
            if (r.name().equalsIgnoreCase(text) || r.label().equalsIgnoreCase(text)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown sandbox rule '" + text + "'");
    }
}
