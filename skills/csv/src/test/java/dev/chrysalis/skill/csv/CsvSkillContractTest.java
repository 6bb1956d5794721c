package dev.chrysalis.skill.csv;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.testing.SkillContractTest;

/** The shipped-skill contract (replay cases, route patterns, DS component, SKILL.md) for the csv skill. */
class CsvSkillContractTest extends SkillContractTest {
    @Override
    protected Skill newSkill() {
        return new CsvSkill();
    }
}
