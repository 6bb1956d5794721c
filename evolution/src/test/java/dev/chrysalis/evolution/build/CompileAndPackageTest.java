package dev.chrysalis.evolution.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.support.Build;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.evolution.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileAndPackageTest {

    @Test
    void shippedCalculatorCompilesInMemoryAndPackagesReproduciblyAsADsBundle(@TempDir Path data) throws Exception {
        try (Workspace ws = Workspace.openOrCreate(data, Build.projectRoot(), Clock.systemUTC())) {
            PluginSource calc = ws.plugin("calculator");
            Map<String, String> files = ws.pluginFiles(Workspace.MAIN, "calculator");
            PluginCompiler compiler = new PluginCompiler(Build.compileClasspath());
            CompileResult cr = compiler.compile(files);
            CompileResult.Compiled compiled = assertInstanceOf(CompileResult.Compiled.class, cr, () -> cr.diagnostics().toString());
            assertTrue(compiled.classes().containsKey("dev/chrysalis/skill/calculator/Evaluator.class"), compiled.classes().keySet().toString());
            BundlePackager packager = new BundlePackager(compiler.classpath());
            Map<String, String> resources = Map.of("SKILL.md", files.get("SKILL.md"), "replay.jsonl", files.get("replay.jsonl"));
            PackagedBundle a = packager.pack(calc, compiled.classes(), resources, "1.0.0.c1", data.resolve("a.jar"));
            PackagedBundle b = packager.pack(calc, compiled.classes(), resources, "1.0.0.c1", data.resolve("b.jar"));
            assertEquals(a.sha256(), b.sha256(), "same classes, same bundle");
            assertEquals(64, a.sha256().length());
            try (JarFile jar = new JarFile(a.jar().toFile())) {
                var main = jar.getManifest().getMainAttributes();
                assertEquals("dev.chrysalis.skill.skill-calculator", main.getValue("Bundle-SymbolicName"));
                assertEquals("skill", main.getValue("Chrysalis-Plugin-Kind"));
                assertTrue(main.getValue("Service-Component").startsWith("OSGI-INF/"), main.getValue("Service-Component"));
                assertTrue(main.getValue("Import-Package").contains("dev.chrysalis.spi.skill"));
                assertTrue(jar.getEntry("SKILL.md") != null && jar.getEntry("replay.jsonl") != null);
            }
        }
    }

    @Test
    void compileErrorComesBackWithTheCompilersMessageFileAndLine() {
        PluginCompiler compiler = new PluginCompiler(Build.compileClasspath());
        CompileResult r = compiler.compile(Map.of("src/main/java/x/A.java", "package x;\nclass A {\n  int f() { return \"s\"; }\n}\n"));
        CompileResult.Failed failed = assertInstanceOf(CompileResult.Failed.class, r);
        CompileDiagnostic d = failed.diagnostics().getFirst();
        assertEquals("src/main/java/x/A.java", d.file(), failed.diagnostics().toString());
        assertEquals(3, d.line());
        assertTrue(d.message().contains("String") && d.message().contains("int"), d.message());
        assertTrue(failed.summary().startsWith("src/main/java/x/A.java:3: error:"), failed.summary());
    }

    @Test
    void oneCompilerServesManyCompilesAndNoneSeesAnotherCompilesSourcesOrClasses() {
        PluginCompiler compiler = new PluginCompiler(Build.compileClasspath());
        String a = "package x;\npublic class A {\n  public static int one() { return 1; }\n}\n";
        String b = "package x;\nimport dev.chrysalis.spi.skill.Skill;\nclass B {\n  Skill skill;\n  int two() { return A.one() + 1; }\n}\n";
        CompileResult both = compiler.compile(Map.of("src/main/java/x/A.java", a, "src/main/java/x/B.java", b));
        CompileResult.Compiled compiled = assertInstanceOf(CompileResult.Compiled.class, both, () -> both.diagnostics().toString());
        assertEquals(java.util.Set.of("x/A.class", "x/B.class"), compiled.classes().keySet());

        CompileResult alone = compiler.compile(Map.of("src/main/java/x/B.java", b));
        CompileResult.Failed failed = assertInstanceOf(CompileResult.Failed.class, alone,
                "B alone must not see A from the compile before, neither its source nor its class");
        assertTrue(failed.summary().contains("A cannot be resolved"), failed.summary());

        CompileResult again = compiler.compile(Map.of("src/main/java/x/A.java", a.replace("return 1", "return 2")));
        CompileResult.Compiled onlyA = assertInstanceOf(CompileResult.Compiled.class, again, () -> again.diagnostics().toString());
        assertEquals(java.util.Set.of("x/A.class"), onlyA.classes().keySet(), "the class path still resolves after a failed compile");
    }
}
