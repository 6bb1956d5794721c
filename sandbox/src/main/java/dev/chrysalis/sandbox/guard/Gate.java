package dev.chrysalis.sandbox.guard;

/**
 * Where the guard agent's advice, inlined into JDK and framework methods, calls in. This class lives on the
 * boot class path so every class can see it; until {@link #install} is called (by the worker, once) every
 * check returns at once.
 *
 * <p>The one static field is unavoidable: advice inlined into {@code java.io.FileInputStream} can only
 * reach state through a static. It is written once and cannot be replaced, so sandboxed code that finds
 * this class can neither swap the guard nor switch it off.
 */
public final class Gate {
    private static volatile Guard guard;

    private Gate() {
    }

    /** Activates the guard. Only the first call succeeds. */
    public static synchronized void install(Guard g) {
        if (g == null) {
            throw new IllegalArgumentException("guard must not be null");
        }
        if (guard != null) {
            throw new IllegalStateException("the sandbox guard is already installed");
        }
        guard = g;
    }

    public static boolean installed() {
        return guard != null;
    }

    /** The installed guard, or null; package-private so that only the guard's own classes can ask for it. */
    static Guard current() {
        return guard;
    }

    /** Advice entry for constructors and static methods. {@code entry} is {@code type.method}. */
    public static void check(String entry, Object[] args) {
        Guard g = guard;
        if (g != null) {
            g.check(entry, null, args);
        }
    }

    /** Advice entry for instance methods. */
    public static void checkInstance(String entry, Object self, Object[] args) {
        Guard g = guard;
        if (g != null) {
            g.check(entry, self, args);
        }
    }
}
