package dev.chrysalis.governance.capability;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which references into the JDK mean which capability. One table, read top to bottom; a reference may match
 * several rules (e.g. {@code Files.copy} reads and writes). Owners are JVM internal names
 * ({@code java/nio/file/Files}); an owner ending in {@code /} matches a whole package tree.
 *
 * <p>The member of a reference is a method or field name, {@code <init>} for a constructor,
 * {@link #EXTENDS} when a scanned class extends or implements the owner, and {@link #CLASS_USE} when the
 * owner is only named (a cast, a class literal, an array type).
 */
public final class CapabilityRules {
    public static final String EXTENDS = "<extends>";
    public static final String CLASS_USE = "<class>";
    private static final String ANY = "*";

    /** One line of the table: {@code owner.member(descriptorPrefix...)} means {@code capability}, unless the member is in {@code except}. */
    public record Rule(String owner, String member, String descriptorPrefix, Set<String> except, Capability capability) {
        boolean matches(String refOwner, String refMember, String refDescriptor) {
            boolean ownerMatches = owner.endsWith("/") ? refOwner.startsWith(owner) : refOwner.equals(owner);
            if (!ownerMatches || except.contains(refMember)) {
                return false;
            }
            if (member.equals(ANY)) {
                return true;
            }
            return member.equals(refMember) && refDescriptor.startsWith(descriptorPrefix);
        }
    }

    private final List<Rule> rules;

    private CapabilityRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The capabilities a reference to {@code owner.member} with {@code descriptor} needs (may be empty). */
    public Set<Capability> match(String owner, String member, String descriptor) {
        var out = java.util.EnumSet.noneOf(Capability.class);
        for (Rule r : rules) {
            if (r.matches(owner, member, descriptor)) {
                out.add(r.capability());
            }
        }
        return out;
    }

    /** The rules Chrysalis ships; the same table the sandbox guard enforces at run time. */
    public static CapabilityRules standard() {
        var b = new Builder();
        // ---- files: reading
        b.members("java/nio/file/Files", Capability.FS_READ, "readAllBytes", "readString", "readAllLines", "lines",
                "newInputStream", "newBufferedReader", "list", "walk", "find", "newDirectoryStream", "exists", "notExists",
                "isDirectory", "isRegularFile", "isReadable", "isWritable", "isExecutable", "isHidden", "isSameFile",
                "isSymbolicLink", "size", "getLastModifiedTime", "getAttribute", "readAttributes", "getFileAttributeView",
                "getOwner", "getPosixFilePermissions", "probeContentType", "readSymbolicLink", "getFileStore", "mismatch",
                "walkFileTree", "copy");
        b.members("java/io/File", Capability.FS_READ, "exists", "isFile", "isDirectory", "isHidden", "length", "list",
                "listFiles", "lastModified", "canRead", "canWrite", "canExecute", "getCanonicalPath", "getCanonicalFile",
                "getFreeSpace", "getTotalSpace", "getUsableSpace", "listRoots");
        b.constructors("java/io/FileInputStream", Capability.FS_READ);
        b.constructors("java/io/FileReader", Capability.FS_READ);
        b.constructor("java/util/Scanner", "(Ljava/nio/file/Path;", Capability.FS_READ);
        b.constructor("java/util/Scanner", "(Ljava/io/File;", Capability.FS_READ);
        b.constructors("java/util/zip/ZipFile", Capability.FS_READ);
        b.constructors("java/util/jar/JarFile", Capability.FS_READ);
        b.members("java/nio/file/Path", Capability.FS_READ, "toRealPath", "register");
        b.members("java/nio/file/FileSystems", Capability.FS_READ, "newFileSystem");
        // ---- files: writing (a channel or random-access file may write, so they count as writing)
        b.members("java/nio/file/Files", Capability.FS_WRITE, "write", "writeString", "newOutputStream",
                "newBufferedWriter", "newByteChannel", "delete", "deleteIfExists", "move", "copy", "createFile",
                "createDirectory", "createDirectories", "createTempFile", "createTempDirectory", "createLink",
                "createSymbolicLink", "setAttribute", "setLastModifiedTime", "setOwner", "setPosixFilePermissions");
        b.members("java/io/File", Capability.FS_WRITE, "delete", "deleteOnExit", "mkdir", "mkdirs", "renameTo",
                "createNewFile", "createTempFile", "setReadable", "setWritable", "setExecutable", "setLastModified",
                "setReadOnly");
        b.constructors("java/io/FileOutputStream", Capability.FS_WRITE);
        b.constructors("java/io/FileWriter", Capability.FS_WRITE);
        b.constructors("java/io/RandomAccessFile", Capability.FS_WRITE);
        for (String printer : List.of("java/io/PrintWriter", "java/io/PrintStream", "java/util/Formatter")) {
            b.constructor(printer, "(Ljava/lang/String;", Capability.FS_WRITE);
            b.constructor(printer, "(Ljava/io/File;", Capability.FS_WRITE);
        }
        b.members("java/nio/channels/FileChannel", Capability.FS_WRITE, "open");
        b.members("java/nio/channels/AsynchronousFileChannel", Capability.FS_WRITE, "open");
        b.any("java/nio/file/spi/", Capability.FS_WRITE);
        // ---- network
        for (String owner : List.of("java/net/Socket", "java/net/ServerSocket", "java/net/DatagramSocket",
                "java/net/MulticastSocket", "java/net/URLConnection", "java/net/HttpURLConnection",
                "java/net/JarURLConnection", "java/net/SocketImpl", "java/nio/channels/SocketChannel",
                "java/nio/channels/ServerSocketChannel", "java/nio/channels/DatagramChannel",
                "java/nio/channels/AsynchronousSocketChannel", "java/nio/channels/AsynchronousServerSocketChannel",
                "java/net/http/", "com/sun/net/httpserver/", "javax/net/", "jdk/net/")) {
            b.any(owner, Capability.NET);
        }
        b.members("java/net/URL", Capability.NET, "openConnection", "openStream", "getContent");
        b.members("java/net/InetAddress", Capability.NET, "getByName", "getAllByName", "getLocalHost",
                "getCanonicalHostName", "getHostName", "isReachable");
        // ---- processes
        b.any("java/lang/ProcessBuilder", Capability.PROCESS);
        b.any("java/lang/Process", Capability.PROCESS);
        b.any("java/lang/ProcessHandle", Capability.PROCESS);
        b.members("java/lang/Runtime", Capability.PROCESS, "exec");
        // ---- native code
        b.members("java/lang/System", Capability.NATIVE, "load", "loadLibrary");
        b.members("java/lang/Runtime", Capability.NATIVE, "load", "loadLibrary");
        b.any("java/lang/foreign/Linker", Capability.NATIVE);
        b.members("java/lang/foreign/SymbolLookup", Capability.NATIVE, "libraryLookup", "loaderLookup");
        b.members("java/lang/foreign/MemorySegment", Capability.NATIVE, "reinterpret");
        // ---- reflection: anything that reaches code by name or bypasses access checks
        for (String owner : List.of("java/lang/reflect/AccessibleObject", "java/lang/reflect/Field",
                "java/lang/reflect/Method", "java/lang/reflect/Constructor", "java/lang/reflect/Executable")) {
            b.members(owner, Capability.REFLECTION, "setAccessible", "trySetAccessible");
        }
        b.members("java/lang/reflect/Method", Capability.REFLECTION, "invoke");
        b.members("java/lang/reflect/Constructor", Capability.REFLECTION, "newInstance");
        b.members("java/lang/reflect/Field", Capability.REFLECTION, "get", "set", "getInt", "setInt", "getLong",
                "setLong", "getBoolean", "setBoolean", "getDouble", "setDouble", "getFloat", "setFloat", "getByte",
                "setByte", "getChar", "setChar", "getShort", "setShort");
        b.members("java/lang/Class", Capability.REFLECTION, "forName", "newInstance");
        b.members("java/lang/invoke/MethodHandles", Capability.REFLECTION, "privateLookupIn");
        b.members("java/lang/invoke/MethodHandles$Lookup", Capability.REFLECTION, "findVirtual", "findStatic",
                "findSpecial", "findConstructor", "findGetter", "findSetter", "findStaticGetter", "findStaticSetter",
                "findVarHandle", "findStaticVarHandle", "findClass", "unreflect", "unreflectSpecial",
                "unreflectConstructor", "unreflectGetter", "unreflectSetter", "unreflectVarHandle");
        b.members("java/util/ServiceLoader", Capability.REFLECTION, "load", "loadInstalled");
        b.any("sun/misc/Unsafe", Capability.REFLECTION);
        b.any("jdk/internal/", Capability.REFLECTION);
        b.any("sun/reflect/", Capability.REFLECTION);
        b.any("java/lang/instrument/", Capability.REFLECTION);
        // ---- environment, exit
        b.members("java/lang/System", Capability.ENV, "getenv");
        b.members("java/lang/ProcessBuilder", Capability.ENV, "environment");
        b.members("java/lang/System", Capability.EXIT, "exit");
        b.members("java/lang/Runtime", Capability.EXIT, "exit", "halt", "addShutdownHook", "removeShutdownHook");
        // ---- class loading (reading a bundled resource through a class loader is fine)
        Set<String> resourceReads = Set.of("getResource", "getResourceAsStream", "getResources", "resources",
                "getParent", "getName", "getSystemClassLoader", "getPlatformClassLoader", CLASS_USE);
        for (String owner : List.of("java/lang/ClassLoader", "java/security/SecureClassLoader", "java/net/URLClassLoader")) {
            b.anyExcept(owner, resourceReads, Capability.CLASSLOADER);
        }
        b.members("java/lang/invoke/MethodHandles$Lookup", Capability.CLASSLOADER, "defineClass", "defineHiddenClass",
                "defineHiddenClassWithClassData");
        b.members("sun/misc/Unsafe", Capability.CLASSLOADER, "defineClass", "defineAnonymousClass");
        return new CapabilityRules(b.rules);
    }

    private static final class Builder {
        final List<Rule> rules = new ArrayList<>();

        void members(String owner, Capability c, String... names) {
            for (String n : names) {
                rules.add(new Rule(owner, n, "", Set.of(), c));
            }
        }

        void constructors(String owner, Capability c) {
            rules.add(new Rule(owner, "<init>", "", Set.of(), c));
            rules.add(new Rule(owner, EXTENDS, "", Set.of(), c));
        }

        void constructor(String owner, String descriptorPrefix, Capability c) {
            rules.add(new Rule(owner, "<init>", descriptorPrefix, Set.of(), c));
        }

        void any(String owner, Capability c) {
            rules.add(new Rule(owner, ANY, "", Set.of(), c));
        }

        void anyExcept(String owner, Set<String> except, Capability c) {
            rules.add(new Rule(owner, ANY, "", except, c));
        }
    }
}
