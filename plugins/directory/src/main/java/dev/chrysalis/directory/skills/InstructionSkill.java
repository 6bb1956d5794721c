package dev.chrysalis.directory.skills;

import java.nio.file.Path;
import java.util.List;

/**
 * An instructions-only skill: a SKILL.md with its resource files and no code, for the LLM brain to read.
 *
 * @param folder    where it is stored ({@code <plugins>/instruction-skills/<name>})
 * @param resources resource files relative to the folder, SKILL.md excluded
 * @param sha256    digest over SKILL.md and every resource (path and content), identifying this version
 */
public record InstructionSkill(String name, String description, Path folder, List<String> resources, String sha256) {
    public InstructionSkill {
        resources = List.copyOf(resources);
    }

    public Path skillMd() {
        return folder.resolve("SKILL.md");
    }
}
