package dev.chrysalis.skill.units;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.testing.SkillContractTest;

/** The shipped-skill contract (replay cases, route patterns, DS component, SKILL.md) for the units skill. */
class UnitsSkillContractTest extends SkillContractTest {
    @Override
    protected Skill newSkill() {
        return new UnitsSkill();
    }
}
