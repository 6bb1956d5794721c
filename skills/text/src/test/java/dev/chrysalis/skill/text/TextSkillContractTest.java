package dev.chrysalis.skill.text;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.testing.SkillContractTest;

/** The shipped-skill contract (replay cases, route patterns, DS component, SKILL.md) for the text skill. */
class TextSkillContractTest extends SkillContractTest {
    @Override
    protected Skill newSkill() {
        return new TextSkill();
    }
}
