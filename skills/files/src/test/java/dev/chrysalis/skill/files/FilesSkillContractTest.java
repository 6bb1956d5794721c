package dev.chrysalis.skill.files;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.testing.SkillContractTest;

/** The shipped-skill contract (replay cases, route patterns, DS component, SKILL.md) for the files skill. */
class FilesSkillContractTest extends SkillContractTest {
    @Override
    protected Skill newSkill() {
        return new FilesSkill();
    }
}
