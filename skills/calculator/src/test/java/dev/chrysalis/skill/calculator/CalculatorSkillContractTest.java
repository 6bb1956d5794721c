package dev.chrysalis.skill.calculator;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.testing.SkillContractTest;

/** The shipped-skill contract (replay cases, route patterns, DS component, SKILL.md) for the calculator skill. */
class CalculatorSkillContractTest extends SkillContractTest {
    @Override
    protected Skill newSkill() {
        return new CalculatorSkill();
    }
}
