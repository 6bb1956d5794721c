package dev.chrysalis.sandbox.agent;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The JDK and framework methods the guard sits in front of, by class. Each is a choke point: the public
 * APIs (Files, Socket, HttpClient, Runtime.exec...) all end up in one of them. {@link
 * dev.chrysalis.sandbox.guard.Guard} knows the rule for each class listed here.
 */
final class GuardedEntryPoints {
    private GuardedEntryPoints() {
    }

    record EntryPoint(String type, ElementMatcher<? super MethodDescription> methods) {
    }

    static final List<EntryPoint> ALL = List.of(
            // files
            new EntryPoint("java.io.FileInputStream", isConstructor()),
            new EntryPoint("java.io.FileOutputStream", isConstructor()),
            new EntryPoint("java.io.RandomAccessFile", isConstructor()),
            new EntryPoint("java.io.UnixFileSystem", namedOneOf("getBooleanAttributes", "hasBooleanAttributes",
                    "checkAccess", "setPermission", "getLastModifiedTime", "getLength", "createFileExclusively",
                    "delete", "list", "createDirectory", "rename", "setLastModifiedTime", "setReadOnly", "getSpace")),
            new EntryPoint("sun.nio.fs.UnixFileSystemProvider", takesArgument(0, named("java.nio.file.Path"))),
            new EntryPoint("sun.nio.fs.LinuxFileSystemProvider", takesArgument(0, named("java.nio.file.Path"))),
            new EntryPoint("sun.nio.fs.AbstractFileSystemProvider", takesArgument(0, named("java.nio.file.Path"))),
            // network
            new EntryPoint("sun.nio.ch.Net", namedOneOf("socket", "serverSocket")),
            new EntryPoint("sun.nio.ch.UnixDomainSockets", named("socket")),
            new EntryPoint("java.net.Socket", namedOneOf("connect", "bind")),
            new EntryPoint("java.net.ServerSocket", named("bind")),
            new EntryPoint("java.net.DatagramSocket", namedOneOf("bind", "connect", "send")),
            new EntryPoint("java.net.InetAddress", namedOneOf("getAllByName", "getByName", "getLocalHost")),
            // processes, exit, native code, environment, properties
            new EntryPoint("java.lang.ProcessBuilder", named("start")),
            new EntryPoint("java.lang.ProcessHandleImpl", namedOneOf("destroy", "destroyForcibly", "of", "parent",
                    "children", "descendants", "allProcesses")),
            new EntryPoint("java.lang.Runtime", namedOneOf("exec", "exit", "halt", "load", "loadLibrary", "load0",
                    "loadLibrary0")),
            new EntryPoint("java.lang.System", namedOneOf("load", "loadLibrary", "getenv", "getProperty",
                    "getProperties", "setProperty", "setProperties", "clearProperty", "setIn", "setOut", "setErr")),
            new EntryPoint("java.lang.foreign.Linker", named("nativeLinker")),
            new EntryPoint("java.lang.foreign.SymbolLookup", namedOneOf("libraryLookup", "loaderLookup")),
            new EntryPoint("jdk.internal.foreign.AbstractMemorySegmentImpl", named("reinterpret")),
            // reflection, Unsafe, class loaders
            new EntryPoint("java.lang.reflect.AccessibleObject", namedOneOf("setAccessible", "trySetAccessible")),
            new EntryPoint("java.lang.reflect.Field", namedOneOf("setAccessible", "trySetAccessible")),
            new EntryPoint("java.lang.reflect.Method", namedOneOf("setAccessible", "trySetAccessible")),
            new EntryPoint("java.lang.reflect.Constructor", namedOneOf("setAccessible", "trySetAccessible")),
            new EntryPoint("java.lang.invoke.MethodHandles", named("privateLookupIn")),
            new EntryPoint("sun.misc.Unsafe", named("getUnsafe")),
            new EntryPoint("java.lang.ClassLoader", isConstructor()),
            // attach and JMX, deserialization
            new EntryPoint("java.lang.management.ManagementFactory", isStatic().and(isPublic())),
            new EntryPoint("com.sun.tools.attach.VirtualMachine", namedOneOf("attach", "list")),
            new EntryPoint("javax.management.remote.JMXConnectorFactory", namedOneOf("connect", "newJMXConnector")),
            new EntryPoint("javax.management.MBeanServerFactory", namedOneOf("createMBeanServer", "newMBeanServer",
                    "findMBeanServer")),
            new EntryPoint("java.io.ObjectInputStream", isConstructor().or(namedOneOf("readObject", "readUnshared"))),
            new EntryPoint("java.beans.XMLDecoder", isConstructor()),
            // threads (the cap), the framework's lifecycle
            new EntryPoint("java.lang.Thread", named("start")),
            new EntryPoint("java.lang.VirtualThread", named("start")),
            new EntryPoint("org.apache.felix.framework.BundleImpl", namedOneOf("start", "stop", "update", "uninstall")),
            new EntryPoint("org.apache.felix.framework.Felix", namedOneOf("start", "stop", "update", "uninstall",
                    "installBundle", "refreshPackages", "resolveBundles")),
            new EntryPoint("org.apache.felix.framework.BundleContextImpl", named("installBundle")),
            new EntryPoint("org.apache.felix.framework.FrameworkWiringImpl", namedOneOf("refreshBundles",
                    "resolveBundles")));

    static Map<String, EntryPoint> byType() {
        return ALL.stream().collect(Collectors.toMap(EntryPoint::type, e -> e));
    }
}
