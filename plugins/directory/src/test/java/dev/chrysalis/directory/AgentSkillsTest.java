package dev.chrysalis.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.directory.skills.AgentSkills;
import dev.chrysalis.directory.skills.InstructionSkill;
import dev.chrysalis.directory.skills.SkillFormatException;
import dev.chrysalis.directory.skills.SkillMd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSkillsTest {
    @TempDir
    Path tmp;

    private Path skillFolder(String skillMd) throws Exception {
        Path src = tmp.resolve("src-skill");
        Files.createDirectories(src.resolve("references"));
        Files.createDirectories(src.resolve("scripts"));
        Files.writeString(src.resolve("SKILL.md"), skillMd);
        Files.writeString(src.resolve("references/forms.md"), "# Forms\nFill them in.\n");
        Files.writeString(src.resolve("scripts/extract.py"), "print('hi')\n");
        return src;
    }

    @Test
    void standardSkillFolderImportsAsInstructionsOnlySkillWithItsResources() throws Exception {
        Path src = skillFolder("""
                ---
                name: pdf-processing
                description: >
                  Extract text and tables from PDF files,
                  fill forms. Use when working with PDFs.
                license: Apache-2.0
                metadata:
                  author: example
                ---
                # PDF processing
                Use the extract script.
                """);
        var skills = new AgentSkills(tmp.resolve("plugins"), DirectoryFixture.CLOCK);
        InstructionSkill s = skills.importFolder(src, false);
        assertEquals("pdf-processing", s.name());
        assertEquals("Extract text and tables from PDF files, fill forms. Use when working with PDFs.", s.description());
        assertEquals(List.of("references/forms.md", "scripts/extract.py"), s.resources());
        assertEquals(tmp.resolve("plugins/instruction-skills/pdf-processing"), s.folder());
        assertTrue(Files.readString(s.skillMd()).contains("Use the extract script."));
        assertEquals(List.of("pdf-processing"), skills.list().stream().map(InstructionSkill::name).toList());
        assertEquals(s.sha256(), skills.list().getFirst().sha256());

        var again = assertThrows(SkillFormatException.class, () -> skills.importFolder(src, false));
        assertTrue(again.getMessage().contains("already imported"), again.getMessage());
        Files.writeString(src.resolve("references/forms.md"), "changed");
        assertFalse(skills.importFolder(src, true).sha256().equals(s.sha256()));
    }

    @Test
    void javaCodeAndBadFrontMatterAreRefusedWithTheReason() throws Exception {
        Path src = skillFolder("---\nname: Bad Name\ndescription: x\n---\nbody\n");
        var skills = new AgentSkills(tmp.resolve("plugins"), DirectoryFixture.CLOCK);
        var e = assertThrows(SkillFormatException.class, () -> skills.importFolder(src, false));
        assertTrue(e.getMessage().contains("name 'Bad Name' must be 1-64 lowercase letters"), e.getMessage());
        Files.writeString(src.resolve("SKILL.md"), "# no front matter\n");
        assertTrue(assertThrows(SkillFormatException.class, () -> skills.importFolder(src, false)).getMessage()
                .contains("no YAML front matter"));
        Files.writeString(src.resolve("SKILL.md"), "---\nname: ok\n---\nbody\n");
        assertTrue(assertThrows(SkillFormatException.class, () -> skills.importFolder(src, false)).getMessage()
                .contains("front matter has no 'description'"));
        Files.writeString(src.resolve("SKILL.md"), "---\nname: ok\ndescription: fine\n---\nbody\n");
        Files.write(src.resolve("scripts/Evil.class"), new byte[] {(byte) 0xCA, (byte) 0xFE});
        var code = assertThrows(SkillFormatException.class, () -> skills.importFolder(src, false));
        assertTrue(code.getMessage().contains("scripts/Evil.class is Java code"), code.getMessage());
        assertFalse(Files.exists(tmp.resolve("plugins/instruction-skills/ok")), "nothing stored on refusal");
    }

    @Test
    void skillBundleSkillMdExportsAsAgentSkillsFolder() throws Exception {
        var skills = new AgentSkills(tmp.resolve("plugins"), DirectoryFixture.CLOCK);
        byte[] withFront = TestBundles.bundle("dev.chrysalis.skill.calculator", "1.0.0")
                .file("SKILL.md", "---\nname: calculator\ndescription: Evaluates arithmetic.\n---\n# calculator\nbody\n").bytes();
        Path out = skills.exportSkill(withFront, "calc.jar", tmp.resolve("out"));
        assertEquals(tmp.resolve("out/calculator/SKILL.md"), out);
        SkillMd md = SkillMd.parse(Files.readString(out), out.toString());
        assertEquals("Evaluates arithmetic.", md.description());
        assertEquals("# calculator\nbody\n", md.body());

        byte[] bare = TestBundles.bundle("dev.chrysalis.skill.unit_convert", "1.0.0")
                .file("SKILL.md", "# Units\n\nConverts between units of length and mass.\n").bytes();
        SkillMd made = SkillMd.parse(Files.readString(skills.exportSkill(bare, "u.jar", tmp.resolve("out"))), "u");
        assertEquals("unit-convert", made.name());
        assertEquals("Converts between units of length and mass.", made.description());

        byte[] none = TestBundles.bundle("dev.test.nothing", "1.0.0").bytes();
        assertTrue(assertThrows(SkillFormatException.class, () -> skills.exportSkill(none, "n.jar", tmp.resolve("out")))
                .getMessage().contains("has no SKILL.md at the jar root"));
    }
}
