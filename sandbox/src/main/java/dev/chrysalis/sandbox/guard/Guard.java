package dev.chrysalis.sandbox.guard;

import java.io.File;
import java.io.FileDescriptor;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Decides, for every guarded call, whether it comes from sandboxed code and whether that code may make it.
 *
 * <p>Code is sandboxed when a frame on the current stack belongs to a class defined by a sandboxed class
 * loader (the candidate bundle's in a trial worker, every plugin bundle's in the live host), or when the
 * current thread was started by sandboxed code. Everything else (the JDK, the framework, the worker or host)
 * passes untouched. Each sandboxed loader has its own {@link Permits}; when several sandboxed loaders are on
 * the stack, every one of them must permit the call, so a bundle cannot launder a use it did not declare
 * through another bundle's API. A denial is reported first and then thrown, so sandboxed code that catches
 * the {@link SandboxViolation} cannot hide the attempt.
 *
 * <p>The loader lookup is cached per class ({@link ClassValue}), so the cost on the hot path is one stack
 * walk with a hash lookup per frame; calls with no sandboxed frame allocate nothing beyond the walk. That walk
 * asks only for the frames' classes ({@link StackWalker.Option#DROP_METHOD_INFO}): resolving every frame's method
 * made it about twice as dear, and a frame's method and line are needed only to name the culprit of a denial,
 * so they are looked up (a second walk) only for a call that is denied.
 *
 * <p>This class runs inside instrumented JDK methods: it uses no lambdas and guards against re-entry
 * (its own file or property access while deciding passes unchecked).
 */
public final class Guard {
    private static final int MAX_REPORTS = 64;
    private static final Set<String> FILE_WRITE_OPS = Set.of(
            // java.io.UnixFileSystem
            "createFileExclusively", "delete", "rename", "createDirectory", "setLastModifiedTime", "setReadOnly",
            "setPermission",
            // sun.nio.fs providers
            "implDelete", "deleteIfExists", "setAttribute", "getFileAttributeView", "move", "createLink");
    private static final Set<String> NIO_OPEN_OPS = Set.of("newByteChannel", "newFileChannel",
            "newAsynchronousFileChannel", "newInputStream", "newOutputStream");

    private final GuardConfig config;
    private final Consumer<Violation> reporter;
    /** Frames with their methods, to name a culprit frame and to find who creates a class loader. */
    private final StackWalker walker = StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
            StackWalker.Option.SHOW_HIDDEN_FRAMES, StackWalker.Option.SHOW_REFLECT_FRAMES));
    /** Frames' classes only: the walk every guarded call makes. */
    private final StackWalker classWalker = StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE,
            StackWalker.Option.SHOW_HIDDEN_FRAMES, StackWalker.Option.SHOW_REFLECT_FRAMES,
            StackWalker.Option.DROP_METHOD_INFO));
    private volatile Registration[] sandboxed = new Registration[0];
    /**
     * {@link #sandboxed} by the loaders' identity hash codes, rebuilt with it: finding a class's permits scanned every
     * registration, and a host that swaps keeps one per retired generation until its loader is collected (after
     * thousands of swaps, thousands), while every swap makes each class on a guarded stack look itself up again.
     */
    private volatile Map<Integer, Registration[]> sandboxedByHash = Map.of();
    /** Bumped by every (un)registration: cached lookups older than it are recomputed. */
    private volatile int epoch;
    /**
     * Per class, its latest lookup. A stale one is replaced in its cell, never removed from the ClassValue: a
     * removal invalidates the ClassValue's cached entries of every class, so after each (un)registration every
     * frame of every walk would be recomputed over again, while the calls of all sessions contend for it.
     */
    private final ClassValue<LookupCell> lookups = new ClassValue<>() {
        @Override
        protected LookupCell computeValue(Class<?> type) {
            return new LookupCell();
        }
    };
    private final Map<Thread, ThreadOrigin> sandboxThreads = new WeakHashMap<>();
    /**
     * Whether {@link #sandboxThreads} has ever held a thread, so the calls of a process where sandboxed code never
     * started one skip its lock. A thread's origin is recorded before it starts, so the thread itself sees it set.
     */
    private volatile boolean sandboxThreadsSeen;
    private final ThreadLocal<boolean[]> busy = new ThreadLocal<>();
    /** Set while {@link #startForHost} starts a thread: the start is the host's, whoever is on the stack. */
    private static final ThreadLocal<boolean[]> HOST_START = new ThreadLocal<>();
    /** Finds the class that called {@link #startForHost} (reflection and method handle frames skipped). */
    private static final StackWalker CALLER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private final AtomicInteger reports = new AtomicInteger();
    private final AtomicInteger denials = new AtomicInteger();

    /** @param reporter told about every denial (the first {@value #MAX_REPORTS}), on the offending thread */
    public Guard(GuardConfig config, Consumer<Violation> reporter) {
        this.config = config;
        this.reporter = reporter;
    }

    /** A sandboxed loader (held weakly: an uninstalled bundle's loader may be collected) and its permits. */
    private record Registration(java.lang.ref.WeakReference<ClassLoader> loader, Permits permits) {
    }

    /** The cached answer for one class: its loader's permits (null: not sandboxed) as of {@code epoch}. */
    private record Lookup(int epoch, Permits permits) {
    }

    /** Holds one class's latest {@link Lookup}; racing writers may leave an older one, which is then recomputed. */
    private static final class LookupCell {
        volatile Lookup lookup = new Lookup(-1, null);
    }

    /** Where a thread started by sandboxed code came from: whose permits it runs under, and since when. */
    private record ThreadOrigin(long registeredNanos, Permits permits) {
    }

    /** Puts every class defined by {@code loader} under the guard from now on: it may use only its scratch directory. */
    public void sandbox(ClassLoader loader) {
        sandbox(loader, Permits.scratchOnly("", config.scratch()));
    }

    /**
     * Puts every class defined by {@code loader} under the guard from now on, with {@code permits}. Registering
     * a loader again replaces its permits. Register before any class of the loader runs.
     */
    public synchronized void sandbox(ClassLoader loader, Permits permits) {
        if (loader == null) {
            throw new IllegalArgumentException("cannot sandbox the bootstrap class loader");
        }
        java.util.Objects.requireNonNull(permits, "permits");
        java.util.List<Registration> next = liveRegistrationsBut(loader);
        next.add(new Registration(new java.lang.ref.WeakReference<>(loader), permits));
        publish(next);
    }

    /** Takes {@code loader} out from under the guard (its bundle was uninstalled); nothing when it was not sandboxed. */
    public synchronized void release(ClassLoader loader) {
        publish(liveRegistrationsBut(loader));
    }

    /** The registrations whose loader is still alive, except {@code loader}'s. */
    private java.util.List<Registration> liveRegistrationsBut(ClassLoader loader) {
        java.util.List<Registration> kept = new java.util.ArrayList<>();
        for (Registration r : sandboxed) {
            ClassLoader l = r.loader().get();
            if (l != null && l != loader) {
                kept.add(r);
            }
        }
        return kept;
    }

    private void publish(java.util.List<Registration> registrations) {
        Map<Integer, Registration[]> byHash = new java.util.HashMap<>();
        for (Registration r : registrations) {
            ClassLoader l = r.loader().get();
            if (l != null) {
                Integer hash = System.identityHashCode(l);
                Registration[] same = byHash.get(hash);
                Registration[] grown = same == null ? new Registration[1] : Arrays.copyOf(same, same.length + 1);
                grown[grown.length - 1] = r;
                byHash.put(hash, grown);
            }
        }
        sandboxedByHash = byHash;
        sandboxed = registrations.toArray(new Registration[0]);
        epoch++;
    }

    public boolean isSandboxed(Class<?> type) {
        return permitsOf(type) != null;
    }

    /** The permits of {@code type}'s loader, or null when it is not sandboxed. Cached per class. */
    Permits permitsOf(Class<?> type) {
        LookupCell cell = lookups.get(type);
        Lookup lookup = cell.lookup;
        int current = epoch;
        if (lookup.epoch() != current) {
            lookup = new Lookup(current, find(type.getClassLoader()));
            cell.lookup = lookup;
        }
        return lookup.permits();
    }

    private Permits find(ClassLoader loader) {
        if (loader == null) {
            return null;
        }
        Registration[] candidates = sandboxedByHash.get(System.identityHashCode(loader));
        if (candidates != null) {
            for (Registration r : candidates) {
                if (r.loader().get() == loader) {
                    return r.permits();
                }
            }
        }
        return null;
    }

    /** How many calls have been denied so far (reported or not). */
    public int denials() {
        return denials.get();
    }

    /** Live threads started by sandboxed code. */
    public int sandboxThreadCount() {
        synchronized (sandboxThreads) {
            return countLive();
        }
    }

    void check(String entry, Object self, Object[] args) {
        if (sandboxed.length == 0 || startedForHost(entry)) {
            return;
        }
        boolean[] flag = busy.get();
        if (flag == null) {
            flag = new boolean[1];
            busy.set(flag);
        }
        if (flag[0]) {
            return;
        }
        Violation denied = null;
        flag[0] = true;
        try {
            Object[] arguments = args == null ? new Object[0] : args;
            if (allowedWhoeverCalls(entry, arguments)) {
                return;
            }
            Culprits culprits = culprits();
            if (culprits == null) {
                return;
            }
            for (int i = 0; i < culprits.size && denied == null; i++) {
                Permits permits = culprits.permits[i];
                try {
                    Violation v = decide(entry, self, arguments, UNNAMED_FRAME, permits);
                    denied = v == null || permits.grants(v.rule()) ? null : v;
                } catch (RuntimeException e) {
                    // fail closed: a call the guard cannot judge is not allowed to sandboxed code
                    denied = new Violation(ruleFor(entry), "unjudgeable call (" + e + ")", entry, UNNAMED_FRAME);
                }
                if (denied != null) {
                    if (denied.where() == UNNAMED_FRAME) {
                        String where = culprits.where(i, this) + (permits.holder().isEmpty() ? "" : " in " + permits.holder());
                        denied = new Violation(denied.rule(), denied.target(), denied.entry(), where);
                    }
                    denials.incrementAndGet();
                    report(denied, permits);
                }
            }
        } finally {
            flag[0] = false;
        }
        if (denied != null) {
            throw new SandboxViolation(denied);
        }
    }

    /**
     * Starts {@code builder}'s thread for {@code task} on the host's account: the thread counts toward no plugin's
     * thread cap and inherits no plugin's permits, even when plugin code is on this thread's stack (a brain asking for
     * a tool call); what runs in it is judged by its own frames, as always. The turn pipeline runs every skill call
     * in a thread of its own, and finding out who started it meant a walk of the whole stack: 19% of a turn's CPU
     * time. Called by sandboxed code itself (reflection can reach this public method), it is an ordinary start,
     * judged as always.
     */
    public static Thread startForHost(Thread.Builder builder, Runnable task) {
        Guard installed = Gate.current();
        if (installed != null && installed.isSandboxed(CALLER.getCallerClass())) {
            return builder.start(task);
        }
        boolean[] flag = HOST_START.get();
        if (flag == null) {
            flag = new boolean[1];
            HOST_START.set(flag);
        }
        boolean outer = flag[0];
        flag[0] = true;
        try {
            return builder.start(task);
        } finally {
            flag[0] = outer;
        }
    }

    private static boolean startedForHost(String entry) {
        if (!entry.equals("java.lang.VirtualThread.start") && !entry.equals("java.lang.Thread.start")) {
            return false;
        }
        boolean[] flag = HOST_START.get();
        return flag != null && flag[0];
    }

    /**
     * Whether the call is allowed whoever makes it, so the stack need not be walked for culprits: {@link #system}
     * judges without permits (whitelisted reads, or the JDK reading its own settings). SCR's XML parsers read dozens
     * of system properties per bundle start, and walking the stack for each was 4% of a skill swap's CPU time.
     */
    private boolean allowedWhoeverCalls(String entry, Object[] args) {
        if (!entry.startsWith(SYSTEM)) {
            return false;
        }
        try {
            return system(entry.substring(SYSTEM.length()), args, entry, UNNAMED_FRAME) == null;
        } catch (RuntimeException e) {
            return false; // judged on the full path, which fails closed
        }
    }

    /** The guard's reporter hears the first {@value #MAX_REPORTS} denials; each permits' witness hears all of its own. */
    private void report(Violation v, Permits permits) {
        if (reports.incrementAndGet() <= MAX_REPORTS) {
            try {
                reporter.accept(v);
            } catch (RuntimeException | Error ignored) {
                // the denial is still thrown; a failing reporter must not let the call through
            }
        }
        try {
            permits.witness().accept(v);
        } catch (RuntimeException | Error ignored) {
            // as above
        }
    }

    /**
     * The sandboxed code responsible for the current call, innermost first, one entry per distinct permits
     * (a thread started by sandboxed code counts last, under its starter's permits); null when the call is trusted.
     */
    private Culprits culprits() {
        Culprits found = classWalker.walk(new SandboxedFrames(this));
        if (!sandboxThreadsSeen) {
            return found;
        }
        Thread current = Thread.currentThread();
        ThreadOrigin origin;
        synchronized (sandboxThreads) {
            origin = sandboxThreads.get(current);
        }
        if (origin != null) {
            if (found == null) {
                found = new Culprits();
            }
            String who = origin.permits().holder().isEmpty() ? "the candidate" : origin.permits().holder();
            found.add(origin.permits(), "thread '" + current.getName() + "' started by " + who);
        }
        return found;
    }

    /**
     * Stands in for the culprit frame while a call is judged (see {@link Culprits#where}); compared by identity, so
     * a denial that names another place (a class loader's creator) keeps it.
     */
    private static final String UNNAMED_FRAME = new String("a sandboxed frame");
    private static final String SYSTEM = "java.lang.System.";

    /**
     * A few (permits, frame) pairs without collections: this runs inside instrumented JDK methods. A frame found
     * by the class-only walk is named ({@code class.method(File:line)}) only when a denial needs it.
     */
    private static final class Culprits {
        Permits[] permits = new Permits[2];
        String[] where = new String[2];
        int size;

        /** The culprit frame of entry {@code i}: the innermost frame of a class under its permits. */
        String where(int i, Guard guard) {
            if (where[i] == null) {
                guard.walker.walk(new NamedFrames(guard, this));
            }
            return where[i] == null ? "a sandboxed frame" : where[i];
        }

        void add(Permits p, String frame) {
            for (int i = 0; i < size; i++) {
                if (permits[i] == p) {
                    return;
                }
            }
            if (size == permits.length) {
                permits = Arrays.copyOf(permits, size * 2);
                where = Arrays.copyOf(where, size * 2);
            }
            permits[size] = p;
            where[size] = frame;
            size++;
        }
    }

    private static final class SandboxedFrames implements Function<Stream<StackWalker.StackFrame>, Culprits> {
        private final Guard guard;

        SandboxedFrames(Guard guard) {
            this.guard = guard;
        }

        @Override
        public Culprits apply(Stream<StackWalker.StackFrame> frames) {
            Culprits found = null;
            for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                if (f.getClassName().equals("sun.instrument.TransformerManager")) {
                    return null; // the guard agent transforming a class the candidate made load: trusted work
                }
                Permits p = guard.permitsOf(f.getDeclaringClass());
                if (p != null) {
                    if (found == null) {
                        found = new Culprits();
                    }
                    found.add(p, null);
                }
            }
            return found;
        }
    }

    /** Names the culprits' frames: the same walk as {@link SandboxedFrames}, with the frames' methods. */
    private static final class NamedFrames implements Function<Stream<StackWalker.StackFrame>, Void> {
        private final Guard guard;
        private final Culprits culprits;

        NamedFrames(Guard guard, Culprits culprits) {
            this.guard = guard;
            this.culprits = culprits;
        }

        @Override
        public Void apply(Stream<StackWalker.StackFrame> frames) {
            for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                Permits p = guard.permitsOf(f.getDeclaringClass());
                for (int i = 0; p != null && i < culprits.size; i++) {
                    if (culprits.permits[i] == p) {
                        if (culprits.where[i] == null) {
                            culprits.where[i] = describe(f);
                        }
                        break;
                    }
                }
            }
            return null;
        }
    }

    /**
     * Who creates a class loader: the first frame past the chain of class-loader constructors. Only a
     * candidate class there (or a candidate's own ClassLoader subclass in the chain) is denied; the JDK
     * and libraries make loaders for their own purposes while candidate code is on the stack.
     */
    private static final class ClassLoaderCreator implements Function<Stream<StackWalker.StackFrame>, String> {
        private final Guard guard;

        ClassLoaderCreator(Guard guard) {
            this.guard = guard;
        }

        @Override
        public String apply(Stream<StackWalker.StackFrame> frames) {
            boolean inConstructors = false;
            for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                Class<?> type = f.getDeclaringClass();
                boolean loaderConstructor = f.getMethodName().equals("<init>") && ClassLoader.class.isAssignableFrom(type);
                if (loaderConstructor) {
                    inConstructors = true;
                    if (guard.isSandboxed(type)) {
                        return describe(f);
                    }
                    continue;
                }
                if (inConstructors) {
                    return guard.isSandboxed(type) ? describe(f) : null;
                }
            }
            return null;
        }
    }

    /**
     * The class that called the guarded method, looking through the JDK's own forwarding (method handles,
     * reflection, {@code Integer.getInteger} and the like) so a candidate cannot hide behind it.
     */
    private static final class DirectCaller implements Function<Stream<StackWalker.StackFrame>, Class<?>> {
        static final DirectCaller INSTANCE = new DirectCaller();

        @Override
        public Class<?> apply(Stream<StackWalker.StackFrame> frames) {
            for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
                StackWalker.StackFrame f = it.next();
                String name = f.getClassName();
                if (name.startsWith("dev.chrysalis.sandbox.guard.") || name.startsWith("java.lang.invoke.")
                        || name.startsWith("jdk.internal.reflect.") || name.startsWith("java.lang.reflect.")
                        || name.equals("java.lang.System") || name.equals("java.lang.Integer")
                        || name.equals("java.lang.Long") || name.equals("java.lang.Boolean") || name.equals("java.lang.Runtime")
                        || name.equals("java.security.AccessController")) {
                    continue;
                }
                return f.getDeclaringClass();
            }
            return Object.class;
        }
    }

    /** Whether the JDK itself made this call (reading its own configuration, serialization reflecting). */
    private boolean calledByJdk() {
        Class<?> caller = classWalker.walk(DirectCaller.INSTANCE);
        ClassLoader loader = caller.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    static String describe(StackWalker.StackFrame f) {
        return f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")";
    }

    private Violation decide(String entry, Object self, Object[] args, String where, Permits permits) {
        int dot = entry.lastIndexOf('.');
        String type = entry.substring(0, dot);
        String method = entry.substring(dot + 1);
        switch (type) {
            case "java.io.FileInputStream":
                if (args.length > 0 && args[0] instanceof FileDescriptor) {
                    return deny(Rule.FILE_READ, "a raw file descriptor", entry, where);
                }
                return file(first(args), false, entry, where, permits);
            case "java.io.FileOutputStream":
                if (args.length > 0 && args[0] instanceof FileDescriptor) {
                    return deny(Rule.FILE_WRITE, "a raw file descriptor", entry, where);
                }
                return file(first(args), true, entry, where, permits);
            case "java.io.RandomAccessFile":
                return file(first(args), !(args.length > 1 && "r".equals(args[1])), entry, where, permits);
            case "java.io.UnixFileSystem":
                return javaIoFileSystem(method, args, entry, where, permits);
            case "sun.nio.fs.UnixFileSystemProvider", "sun.nio.fs.LinuxFileSystemProvider",
                 "sun.nio.fs.AbstractFileSystemProvider":
                return nioFileSystem(method, args, entry, where, permits);
            case "sun.nio.ch.Net", "sun.nio.ch.UnixDomainSockets", "java.net.Socket", "java.net.ServerSocket",
                 "java.net.InetAddress", "java.net.DatagramSocket":
                return deny(Rule.NETWORK, method + describe(args), entry, where);
            case "java.lang.ProcessBuilder":
                return deny(Rule.PROCESS, self instanceof ProcessBuilder pb ? command(pb) : "start", entry, where);
            case "java.lang.ProcessHandleImpl":
                return deny(Rule.PROCESS, method + (self != null ? " of process " + self : describe(args)), entry, where);
            case "java.lang.Runtime":
                return runtime(method, args, entry, where);
            case "java.lang.System":
                return system(method, args, entry, where);
            case "java.lang.foreign.Linker", "java.lang.foreign.SymbolLookup", "jdk.internal.foreign.AbstractMemorySegmentImpl":
                return deny(Rule.NATIVE, method + describe(args), entry, where);
            case "java.lang.reflect.AccessibleObject", "java.lang.reflect.Field", "java.lang.reflect.Method",
                 "java.lang.reflect.Constructor":
                return accessible(method, self, args, entry, where, permits);
            case "java.lang.invoke.MethodHandles":
                return args.length > 0 && args[0] instanceof Class<?> c ? foreignAccess(c, "private lookup in " + c.getName(), entry, where, permits) : null;
            case "sun.misc.Unsafe":
                return deny(Rule.UNSAFE, "sun.misc.Unsafe." + method, entry, where);
            case "java.lang.ClassLoader":
                String creator = walker.walk(new ClassLoaderCreator(this));
                return creator == null ? null : deny(Rule.CLASSLOADER, "a new class loader", entry, creator);
            case "java.lang.management.ManagementFactory", "com.sun.tools.attach.VirtualMachine",
                 "javax.management.remote.JMXConnectorFactory", "javax.management.MBeanServerFactory":
                return deny(Rule.ATTACH_JMX, type + "." + method + describe(args), entry, where);
            case "java.io.ObjectInputStream", "java.beans.XMLDecoder":
                return deny(Rule.DESERIALIZATION, type, entry, where);
            case "java.lang.Thread", "java.lang.VirtualThread":
                return self instanceof Thread t ? threadStart(t, entry, where, permits) : null;
            default:
                if (type.startsWith("org.apache.felix.framework.")) {
                    return deny(Rule.FRAMEWORK, method + (self != null ? " " + self : "") + describe(args), entry, where);
                }
                throw new IllegalStateException("the guard has no rule for " + entry);
        }
    }

    private static Rule ruleFor(String entry) {
        if (entry.startsWith("java.io.") || entry.startsWith("sun.nio.fs.")) {
            return Rule.FILE_WRITE;
        }
        if (entry.startsWith("java.net.") || entry.startsWith("sun.nio.ch.")) {
            return Rule.NETWORK;
        }
        if (entry.startsWith("org.apache.felix.")) {
            return Rule.FRAMEWORK;
        }
        return Rule.REFLECTION;
    }

    private Violation javaIoFileSystem(String method, Object[] args, String entry, String where, Permits permits) {
        boolean write = FILE_WRITE_OPS.contains(method);
        for (Object a : args) {
            if (a instanceof File || (a instanceof String && method.equals("createFileExclusively"))) {
                Violation v = file(a, write, entry, where, permits);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private Violation nioFileSystem(String method, Object[] args, String entry, String where, Permits permits) {
        if (method.equals("createSymbolicLink")) {
            return deny(Rule.FILE_WRITE, "symbolic link " + first(args) + " -> " + (args.length > 1 ? args[1] : "?"), entry, where);
        }
        boolean write = FILE_WRITE_OPS.contains(method) || method.equals("createDirectory")
                || (NIO_OPEN_OPS.contains(method) && (method.equals("newOutputStream") || opensForWriting(args)));
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Path) {
                // copy(source, target): only the target is written
                boolean thisWrite = write || (method.equals("copy") && i == 1);
                Violation v = file(args[i], thisWrite, entry, where, permits);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private static boolean opensForWriting(Object[] args) {
        for (Object a : args) {
            if (a != null && !trusted(a)) {
                return true; // options we cannot inspect safely count as writing
            }
            Iterable<?> options = a instanceof Collection<?> c ? c
                    : a instanceof OpenOption[] arr ? Arrays.asList(arr) : null;
            if (options == null) {
                continue;
            }
            for (Object o : options) {
                if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND || o == StandardOpenOption.CREATE
                        || o == StandardOpenOption.CREATE_NEW || o == StandardOpenOption.DELETE_ON_CLOSE
                        || o == StandardOpenOption.TRUNCATE_EXISTING) {
                    return true;
                }
            }
        }
        return false;
    }

    private Violation file(Object pathLike, boolean write, String entry, String where, Permits permits) {
        Path path;
        if (pathLike != null && !trusted(pathLike)) {
            return deny(write ? Rule.FILE_WRITE : Rule.FILE_READ, "a file named by " + pathLike.getClass().getName()
                    + " (paths must be JDK objects)", entry, where);
        }
        if (pathLike instanceof Path p) {
            if (p.getFileSystem() != FileSystems.getDefault()) {
                return null; // a path inside an archive: the archive file itself was checked when opened
            }
            path = p;
        } else if (pathLike instanceof File f) {
            path = Path.of(f.getPath());
        } else if (pathLike instanceof String s) {
            path = Path.of(s);
        } else {
            return deny(write ? Rule.FILE_WRITE : Rule.FILE_READ, "unrecognised file " + pathLike, entry, where);
        }
        path = path.toAbsolutePath().normalize();
        if (write ? permits.mayWrite(path) : permits.mayRead(path)) {
            return null;
        }
        if (config.readableFiles().contains(path) && (!write || path.equals(Path.of("/dev/null")))) {
            return null;
        }
        if (!write) {
            for (Path root : config.readRoots()) {
                if (path.startsWith(root)) {
                    return null;
                }
            }
        }
        return deny(write ? Rule.FILE_WRITE : Rule.FILE_READ, path.toString(), entry, where);
    }

    private Violation runtime(String method, Object[] args, String entry, String where) {
        if (method.startsWith("load") && calledByJdk()) {
            return null; // the JDK loading one of its own libraries (e.g. libmanagement) on first use
        }
        return switch (method) {
            case "exec" -> deny(Rule.PROCESS, describe(args).strip(), entry, where);
            case "exit", "halt" -> deny(Rule.EXIT, method + describe(args), entry, where);
            default -> deny(Rule.NATIVE, lastString(args), entry, where);
        };
    }

    private Violation system(String method, Object[] args, String entry, String where) {
        Violation v = switch (method) {
            case "load", "loadLibrary" -> deny(Rule.NATIVE, lastString(args), entry, where);
            case "getenv" -> {
                if (args.length == 0) {
                    yield deny(Rule.ENVIRONMENT, "the whole environment", entry, where);
                }
                String name = String.valueOf(args[0]);
                yield config.allowedEnv().contains(name) ? null : deny(Rule.ENVIRONMENT, name, entry, where);
            }
            case "getProperty" -> {
                String key = String.valueOf(first(args));
                yield config.propertyAllowed(key) ? null : deny(Rule.SYSTEM_PROPERTY, key, entry, where);
            }
            case "getProperties", "setProperties" -> deny(Rule.SYSTEM_PROPERTY, "all system properties", entry, where);
            case "setProperty", "clearProperty" -> deny(Rule.SYSTEM_PROPERTY, method + " " + first(args), entry, where);
            case "setIn", "setOut", "setErr" -> deny(Rule.SYSTEM_STATE, "System." + method, entry, where);
            default -> throw new IllegalStateException("the guard has no rule for " + entry);
        };
        // the JDK reading its own settings or loading its own libraries for what the candidate asked; looked for only
        // when the rule would deny, as finding the caller walks the stack
        return v == null || calledByJdk() ? null : v;
    }

    private Violation accessible(String method, Object self, Object[] args, String entry, String where, Permits permits) {
        if (calledByJdk()) {
            return null; // e.g. serialization opening the fields of the class it writes
        }
        if (method.equals("setAccessible") && args.length > 0 && Boolean.FALSE.equals(args[args.length - 1])) {
            return null;
        }
        if (self instanceof AccessibleObject ao) {
            return member(ao, entry, where, permits);
        }
        if (args.length > 0 && args[0] instanceof AccessibleObject[] array) {
            for (AccessibleObject ao : array) {
                Violation v = member(ao, entry, where, permits);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private Violation member(AccessibleObject ao, String entry, String where, Permits permits) {
        if (!(ao instanceof Member m)) {
            return null;
        }
        Class<?> declaring = m.getDeclaringClass();
        boolean grantsNothing = Modifier.isPublic(m.getModifiers()) && Modifier.isPublic(declaring.getModifiers())
                && declaring.getModule().isExported(declaring.getPackageName());
        if (grantsNothing) {
            return null;
        }
        return foreignAccess(declaring, declaring.getName() + "." + m.getName(), entry, where, permits);
    }

    private Violation foreignAccess(Class<?> target, String what, String entry, String where, Permits permits) {
        if (permitsOf(target) == permits) {
            return null; // a bundle may open its own classes
        }
        Rule rule = target.getName().endsWith(".Unsafe") ? Rule.UNSAFE : Rule.REFLECTION;
        return deny(rule, what, entry, where);
    }

    private Violation threadStart(Thread thread, String entry, String where, Permits permits) {
        synchronized (sandboxThreads) {
            if (sandboxThreads.containsKey(thread)) {
                return null; // Thread.start() and start(container) both pass here for one thread
            }
            if (!permits.adoptsPoolWorkers() && thread instanceof java.util.concurrent.ForkJoinWorkerThread) {
                return null; // a shared pool's worker (common pool, virtual-thread carrier): not this code's thread
            }
            int live = countLive();
            if (live + 1 > config.threadCap()) {
                return deny(Rule.THREAD_LIMIT, "thread " + (live + 1) + " (cap " + config.threadCap() + ")", entry, where);
            }
            sandboxThreads.put(thread, new ThreadOrigin(System.nanoTime(), permits));
            sandboxThreadsSeen = true;
            return null;
        }
    }

    private int countLive() {
        int live = 0;
        long now = System.nanoTime();
        for (Iterator<Map.Entry<Thread, ThreadOrigin>> it = sandboxThreads.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Thread, ThreadOrigin> e = it.next();
            // isAlive is final (a candidate's Thread subclass cannot lie); a thread being started is not
            // alive yet, so only threads registered more than a second ago count as finished
            if (!e.getKey().isAlive() && now - e.getValue().registeredNanos() > 1_000_000_000L) {
                it.remove();
            } else {
                live++;
            }
        }
        return live;
    }

    private static Violation deny(Rule rule, String target, String entry, String where) {
        return new Violation(rule, target, entry, where);
    }

    private static String command(ProcessBuilder pb) {
        Object list = pb.command();
        if (!trusted(list)) {
            return "a command in a " + list.getClass().getName();
        }
        StringBuilder sb = new StringBuilder();
        for (Object part : (java.util.List<?>) list) {
            sb.append(sb.isEmpty() ? "" : " ").append(part instanceof String s ? s : safeString(part));
        }
        return sb.toString();
    }

    private static Object first(Object[] args) {
        return args.length > 0 ? args[0] : null;
    }

    private static String lastString(Object[] args) {
        for (int i = args.length - 1; i >= 0; i--) {
            if (args[i] instanceof String s) {
                return s;
            }
        }
        return describe(args).strip();
    }

    private static String describe(Object[] args) {
        if (args.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" ");
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object a = args[i];
            String s = a instanceof Object[] arr ? describeArray(arr) : safeString(a);
            sb.append(s.length() > 120 ? s.substring(0, 117) + "..." : s);
        }
        return sb.toString();
    }

    private static String describeArray(Object[] array) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < array.length && i < 16; i++) {
            sb.append(i > 0 ? ", " : "").append(safeString(array[i]));
        }
        return sb.append(array.length > 16 ? ", ...]" : "]").toString();
    }

    /**
     * The text of a JDK object; only the class name of anything else, since calling a candidate's
     * {@code toString} here would run its code unguarded.
     */
    private static String safeString(Object o) {
        if (o == null) {
            return "null";
        }
        return trusted(o) ? String.valueOf(o) : "a " + o.getClass().getName();
    }

    /** Whether {@code o}'s class comes from the JDK (so calling its methods runs no candidate code). */
    private static boolean trusted(Object o) {
        ClassLoader loader = o.getClass().getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    /** For tests and diagnostics: the sandboxed loaders still alive, oldest first. */
    public Collection<ClassLoader> sandboxedLoaders() {
        java.util.List<ClassLoader> out = new java.util.ArrayList<>();
        for (Registration r : sandboxed) {
            ClassLoader l = r.loader().get();
            if (l != null) {
                out.add(l);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
