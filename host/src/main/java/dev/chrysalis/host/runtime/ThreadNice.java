package dev.chrysalis.host.runtime;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * The OS scheduling priority (nice value) of the calling platform thread, on Linux through {@code gettid(2)}
 * and {@code setpriority(2)}: Java's own thread priorities are ignored there unless the JVM runs with
 * {@code -XX:ThreadPriorityPolicy=1}. Lowering a nice value needs {@code CAP_SYS_NICE} (root); without it, or off
 * Linux, the priority stays as it is and the methods say so.
 */
final class ThreadNice {
    private static final int PRIO_PROCESS = 0;

    private ThreadNice() {
    }

    private record Calls(MethodHandle gettid, MethodHandle getpriority, MethodHandle setpriority) {
    }

    private static final Optional<Calls> CALLS = lookup();

    private static Optional<Calls> lookup() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            var gettid = libc.find("gettid");
            var getpriority = libc.find("getpriority");
            var setpriority = libc.find("setpriority");
            if (gettid.isEmpty() || getpriority.isEmpty() || setpriority.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Calls(
                    linker.downcallHandle(gettid.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT)),
                    linker.downcallHandle(getpriority.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)),
                    linker.downcallHandle(setpriority.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))));
        } catch (RuntimeException | LinkageError e) {
            // no native access (--enable-native-access not granted) or no libc symbols: priorities stay as they are
            return Optional.empty();
        }
    }

    /** The calling thread's nice value, when the OS tells it. */
    static Optional<Integer> current() {
        if (CALLS.isEmpty() || Thread.currentThread().isVirtual()) {
            return Optional.empty();
        }
        try {
            int tid = (int) CALLS.get().gettid().invokeExact();
            // getpriority returns the nice value itself (-1 is a valid nice value, so errno is the only error signal;
            // for our own thread id it cannot fail)
            return Optional.of((int) CALLS.get().getpriority().invokeExact(PRIO_PROCESS, tid));
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    /**
     * Sets the calling platform thread's nice value (-20 most favoured .. 19 least).
     *
     * @return whether the OS accepted it
     * @throws IllegalStateException on a virtual thread (its carrier would be changed, not it)
     */
    static boolean set(int nice) {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice value must be between -20 and 19, not " + nice);
        }
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("cannot set the OS priority of virtual thread " + Thread.currentThread());
        }
        if (CALLS.isEmpty()) {
            return false;
        }
        try {
            int tid = (int) CALLS.get().gettid().invokeExact();
            return (int) CALLS.get().setpriority().invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}
