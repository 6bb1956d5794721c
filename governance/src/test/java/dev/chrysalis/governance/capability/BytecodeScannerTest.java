package dev.chrysalis.governance.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.testing.TestJars;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BytecodeScannerTest {
    private static final BytecodeScanner SCANNER = new BytecodeScanner(CapabilityRules.standard());
    private static Map<String, byte[]> classes;

    private static final String PURE = """
            package ex;
            import java.util.*;
            public record Pure(int a, String b) {
                public String run(List<Integer> xs) {
                    Runnable r = () -> System.out.println(a);
                    return switch (b) { case "x" -> String.valueOf(xs.stream().mapToInt(i -> i).sum()); default -> b + a; };
                }
                public String resource() throws Exception {
                    try (var in = getClass().getClassLoader().getResourceAsStream("data.txt")) { return in == null ? "" : "r"; }
                }
            }
            """;

    @BeforeAll
    static void compileOnce() {
        var sources = new LinkedHashMap<String, String>();
        sources.put("ex.Pure", PURE);
        sources.put("ex.Reader", """
                package ex;
                import java.nio.file.*;
                public class Reader {
                    public String read(Path p) throws Exception { return Files.readString(p); }
                }
                """);
        sources.put("ex.Writer", """
                package ex;
                import java.io.*;
                public class Writer {
                    public void write(File f) throws Exception {
                        try (var out = new FileOutputStream(f)) { out.write(1); }
                    }
                }
                """);
        sources.put("ex.Deleter", """
                package ex;
                import java.nio.file.*;
                import java.util.List;
                import java.util.function.Consumer;
                public class Deleter {
                    public void deleteAll(List<Path> ps) {
                        ps.forEach(p -> { });
                        Consumer<Path> d = Deleter::quiet;
                        ps.stream().map(Path::toFile).forEach(java.io.File::delete);
                    }
                    static void quiet(Path p) { }
                }
                """);
        sources.put("ex.Fetch", """
                package ex;
                import java.net.*;
                public class Fetch {
                    public int fetch(String u) throws Exception {
                        try (var in = URI.create(u).toURL().openStream()) { return in.read(); }
                    }
                }
                """);
        sources.put("ex.Shell", """
                package ex;
                public class Shell {
                    public void run() throws Exception { new ProcessBuilder("ls").start(); }
                    public void old() throws Exception { Runtime.getRuntime().exec(new String[] {"ls"}); }
                }
                """);
        sources.put("ex.Native", """
                package ex;
                public class Native {
                    static { System.loadLibrary("evil"); }
                    public Object linker() { return java.lang.foreign.Linker.nativeLinker(); }
                }
                """);
        sources.put("ex.Sneaky", """
                package ex;
                public class Sneaky {
                    public Object grab(Object o) throws Exception {
                        var f = o.getClass().getDeclaredField("secret");
                        f.setAccessible(true);
                        return java.lang.invoke.MethodHandles.privateLookupIn(o.getClass(), java.lang.invoke.MethodHandles.lookup());
                    }
                }
                """);
        sources.put("ex.Env", """
                package ex;
                public class Env {
                    public String home() { return System.getenv("HOME"); }
                    public void stop() { System.exit(3); }
                    public void halt() { Runtime.getRuntime().halt(1); }
                }
                """);
        sources.put("ex.Loader", """
                package ex;
                public class Loader extends ClassLoader {
                    public Class<?> make(byte[] b) { return defineClass(null, b, 0, b.length); }
                }
                """);
        sources.put("ex.Hooks", """
                package ex;
                public class Hooks {
                    public void hook() { Runtime.getRuntime().addShutdownHook(new Thread(() -> { })); }
                    public Object plugins() { return java.util.ServiceLoader.load(Runnable.class).findFirst(); }
                }
                """);
        classes = TestJars.compile(sources);
    }

    private static ScanReport scanOf(String... internalNames) {
        var entries = new LinkedHashMap<String, byte[]>();
        for (String n : internalNames) {
            entries.put(n + ".class", classes.get(n));
        }
        return SCANNER.scan(TestJars.jar(Map.of("Bundle-SymbolicName", "ex"), entries), "ex.jar");
    }

    @Test
    void pureCodeWithLambdasRecordsSwitchesAndResourceReadsNeedsNothing() {
        ScanReport report = scanOf("ex/Pure");
        assertTrue(report.uses().isEmpty(), () -> "unexpected: " + report.uses());
        assertTrue(report.classesScanned() >= 1);
    }

    @Test
    void eachKindOfUseIsFoundWithClassMethodAndReference() {
        assertEquals(Set.of(Capability.FS_READ), scanOf("ex/Reader").usedCapabilities());
        assertEquals(Set.of(Capability.FS_WRITE), scanOf("ex/Writer").usedCapabilities());
        assertEquals(Set.of(Capability.NET), scanOf("ex/Fetch").usedCapabilities());
        assertEquals(Set.of(Capability.PROCESS), scanOf("ex/Shell").usedCapabilities());
        assertEquals(Set.of(Capability.NATIVE), scanOf("ex/Native").usedCapabilities());
        assertEquals(Set.of(Capability.REFLECTION), scanOf("ex/Sneaky").usedCapabilities());
        assertEquals(EnumSet.of(Capability.ENV, Capability.EXIT), scanOf("ex/Env").usedCapabilities());
        assertEquals(Set.of(Capability.CLASSLOADER), scanOf("ex/Loader").usedCapabilities());
        assertEquals(EnumSet.of(Capability.REFLECTION, Capability.EXIT), scanOf("ex/Hooks").usedCapabilities());

        CapabilityUse use = scanOf("ex/Fetch").uses().getFirst();
        assertEquals("ex.Fetch", use.className());
        assertEquals("fetch(Ljava/lang/String;)I", use.method());
        assertEquals("calls java.net.URL.openStream()", use.reference());
        assertEquals(5, use.line());
    }

    @Test
    void methodReferencesAreFoundThroughInvokedynamicArguments() {
        ScanReport report = scanOf("ex/Deleter");
        assertEquals(Set.of(Capability.FS_WRITE), report.usedCapabilities());
        assertTrue(report.uses().getFirst().reference().contains("java.io.File.delete"), report.uses().toString());
    }

    @Test
    void undeclaredUseIsUnsafeAndNamesClassMethodAndReference() {
        ScanReport report = scanOf("ex/Reader", "ex/Fetch");
        var verdict = CapabilityCheck.check(report, Set.of(Capability.FS_READ), TrustTier.CORE.defaultCapabilities());
        var unsafe = assertInstanceOf(CapabilityVerdict.Unsafe.class, verdict);
        assertEquals(1, unsafe.undeclared().size());
        String reason = unsafe.reasons().getFirst();
        assertTrue(reason.contains("ex.Fetch.fetch(Ljava/lang/String;)I") && reason.contains("java.net.URL.openStream")
                && reason.startsWith("undeclared net"), reason);
    }

    @Test
    void declaredUseWithinTierIsSafe() {
        ScanReport report = scanOf("ex/Reader", "ex/Pure");
        var verdict = CapabilityCheck.check(report, Set.of(Capability.FS_READ), TrustTier.COMMUNITY.defaultCapabilities());
        assertInstanceOf(CapabilityVerdict.Safe.class, verdict);
    }

    @Test
    void declaringMoreThanTheTierAllowsIsUnsafe() {
        ScanReport report = scanOf("ex/Shell");
        var verdict = CapabilityCheck.check(report, Set.of(Capability.PROCESS), TrustTier.VERIFIED.defaultCapabilities());
        var unsafe = assertInstanceOf(CapabilityVerdict.Unsafe.class, verdict);
        assertEquals(Set.of(Capability.PROCESS), unsafe.beyondTier());
        assertTrue(unsafe.undeclared().isEmpty());
    }

    @Test
    void referencesHiddenInDynamicConstantsAreFound() {
        // a class whose only reference to System.exit sits in a dynamic constant's bootstrap arguments
        var desc = java.lang.constant.ClassDesc.of("ex.Condy");
        var exit = java.lang.constant.MethodHandleDesc.ofMethod(java.lang.constant.DirectMethodHandleDesc.Kind.STATIC,
                java.lang.constant.ClassDesc.of("java.lang.System"), "exit", java.lang.constant.MethodTypeDesc.ofDescriptor("(I)V"));
        var bootstrap = java.lang.constant.ConstantDescs.BSM_INVOKE;
        var condy = java.lang.constant.DynamicConstantDesc.ofNamed(bootstrap, "x", java.lang.constant.ConstantDescs.CD_Object, exit,
                java.lang.constant.ConstantDescs.CD_int);
        byte[] bytes = java.lang.classfile.ClassFile.of().build(desc, cb -> cb.withMethodBody("run",
                java.lang.constant.MethodTypeDesc.ofDescriptor("()Ljava/lang/Object;"), java.lang.classfile.ClassFile.ACC_PUBLIC
                        | java.lang.classfile.ClassFile.ACC_STATIC, code -> code.ldc(condy).areturn()));
        ScanReport report = SCANNER.scan(TestJars.jar(Map.of(), Map.of("ex/Condy.class", bytes)), "condy.jar");
        assertEquals(Set.of(Capability.EXIT), report.usedCapabilities(), report.uses().toString());
        assertEquals("takes a handle to java.lang.System.exit()", report.uses().getFirst().reference());
    }

    @Test
    void classesInsideNestedJarsAreScanned() {
        byte[] inner = TestJars.jar(Map.of(), Map.of("ex/Shell.class", classes.get("ex/Shell")));
        byte[] outer = TestJars.jar(Map.of(), Map.of("lib/inner.jar", inner, "ex/Pure.class", classes.get("ex/Pure")));
        ScanReport report = SCANNER.scan(outer, "outer.jar");
        assertEquals(Set.of(Capability.PROCESS), report.usedCapabilities());
        assertEquals("lib/inner.jar!/ex/Shell.class", report.uses().getFirst().source());
        assertEquals(2, report.classesScanned());
    }

    @Test
    void aClassThatDoesNotParseIsAProblemAndNeverSafe() {
        byte[] jar = TestJars.jar(Map.of(), Map.of("ex/Broken.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2}));
        ScanReport report = SCANNER.scan(jar, "broken.jar");
        assertFalse(report.problems().isEmpty());
        assertTrue(report.problems().getFirst().startsWith("ex/Broken.class: not a valid class file"), report.problems().toString());
        assertInstanceOf(CapabilityVerdict.Unsafe.class, CapabilityCheck.check(report, Set.of(), Set.of()));
    }

    @Test
    void manifestDeclarationIsParsedAndUnknownNamesAreRejectedWithWhere() {
        assertEquals(EnumSet.of(Capability.FS_READ, Capability.NET), CapabilityDeclaration.parse(" fs.read, net ,", "x"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(UnknownCapabilityException.class,
                () -> CapabilityDeclaration.parse("fs.read, telepathy", "calc.jar manifest"));
        assertTrue(e.getMessage().startsWith("calc.jar manifest: unknown capability 'telepathy'"), e.getMessage());
    }
}
