package dev.chrysalis.skill.datetime;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.testing.SkillContractTest;

/** The shipped-skill contract (replay cases, route patterns, DS component, SKILL.md) for the datetime skill. */
class DateTimeSkillContractTest extends SkillContractTest {
    @Override
    protected Skill newSkill() {
        return new DateTimeSkill();
    }
}
