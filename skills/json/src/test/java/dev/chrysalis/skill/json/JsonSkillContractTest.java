package dev.chrysalis.skill.json;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.testing.SkillContractTest;

/** The shipped-skill contract (replay cases, route patterns, DS component, SKILL.md) for the json skill. */
class JsonSkillContractTest extends SkillContractTest {
    @Override
    protected Skill newSkill() {
        return new JsonSkill();
    }
}
