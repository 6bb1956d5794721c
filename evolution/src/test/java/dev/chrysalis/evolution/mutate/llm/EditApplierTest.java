package dev.chrysalis.evolution.mutate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EditApplierTest {
    static final String A = "src/main/java/x/A.java";
    static final String B = "src/main/java/x/B.java";
    static final Map<String, String> FILES = Map.of(
            A, "package x;\nclass A {\n    int f(int v) {\n        if (v > 0) return 1;\n        return v + v;\n    }\n}\n",
            B, "package x;\nclass B {\n}\n",
            "SKILL.md", "# a skill\n",
            "pom.xml", "<project/>");
    final EditApplier applier = new EditApplier();

    static String refusal(EditApplier.Result r) {
        return assertInstanceOf(EditApplier.Result.Refused.class, r, () -> "expected a refusal, got " + r).reason();
    }

    @Test
    void anExactSingleMatchIsReplacedAndItsLineReported() {
        var r = assertInstanceOf(EditApplier.Result.Applied.class, applier.apply(FILES, List.of(new Edit(A, "v > 0", "v >= 0"))));
        assertEquals(Map.of(A, FILES.get(A).replace("v > 0", "v >= 0")), r.changed());
        assertEquals(4, r.firstLine());
    }

    @Test
    void editsApplyInOrderEachSeeingTheFileAsTheOnesBeforeLeftIt() {
        var r = assertInstanceOf(EditApplier.Result.Applied.class, applier.apply(FILES, List.of(
                new Edit(A, "return 1;", "return 2;"), new Edit(A, "return 2;", "return 3;"), new Edit(B, "}\n", "  int g;\n}\n"))));
        assertTrue(r.changed().get(A).contains("return 3;"));
        assertEquals("package x;\nclass B {\n  int g;\n}\n", r.changed().get(B));
    }

    @Test
    void zeroMatchesRefuseTheWholeSetSayingSo() {
        String why = refusal(applier.apply(FILES, List.of(new Edit(B, "}", "} "), new Edit(A, "v < 0", "v <= 0"))));
        assertEquals("edit 2 (" + A + "): 'find' text 'v < 0' does not occur in the file", why);
    }

    @Test
    void severalMatchesAreRefusedWithTheirCount() {
        String why = refusal(applier.apply(FILES, List.of(new Edit(A, "v + v", "v * 2"), new Edit(A, "return", "yield"))));
        assertEquals("edit 2 (" + A + "): 'find' text 'return' occurs 2 times in the file; it must occur exactly once", why);
    }

    @Test
    void filesOutsideThePluginsJavaSourcesAreRefused() {
        assertTrue(refusal(applier.apply(FILES, List.of(new Edit("pom.xml", "<project/>", "<project><x/></project>"))))
                .contains("'pom.xml' is outside the plugin's Java sources"));
        assertTrue(refusal(applier.apply(FILES, List.of(new Edit("SKILL.md", "a skill", "b skill")))).contains("outside the plugin's Java sources"));
        assertTrue(refusal(applier.apply(FILES, List.of(new Edit("src/main/java/x/C.java", "a", "b")))).endsWith("the plugin has no such file"));
    }

    @Test
    void pathTraversalAndAbsolutePathsAreRefused() {
        for (String path : List.of("src/main/java/../../../../etc/passwd.java", "../other/src/main/java/x/A.java", "/etc/x/A.java",
                "src/main/java/./x/A.java", "src\\main\\java\\x\\A.java", "src/main/java//x/A.java", "C:/src/main/java/A.java")) {
            String why = refusal(applier.apply(FILES, List.of(new Edit(path, "class", "record"))));
            assertTrue(why.contains("not a relative path inside the plugin") || why.contains("leaves or escapes the plugin folder"), why);
        }
    }

    @Test
    void emptyFindsNoOpsAndNoEditsAreRefused() {
        assertTrue(refusal(applier.apply(FILES, List.of(new Edit(A, "", "x")))).endsWith("'find' is empty"));
        assertTrue(refusal(applier.apply(FILES, List.of(new Edit(A, "v + v", "v + v")))).contains("nothing would change"));
        assertEquals("no edits given", refusal(applier.apply(FILES, List.of())));
        assertEquals("the edits together leave every file as it was",
                refusal(applier.apply(FILES, List.of(new Edit(A, "v + v", "v * 2"), new Edit(A, "v * 2", "v + v")))));
    }
}
