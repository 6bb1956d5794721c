package dev.chrysalis.sandbox.good;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import org.osgi.service.component.annotations.Component;

/** Adds correctly and draws from the context's random source: deterministic under replay. */
@Component(service = Skill.class)
public class CorrectAdder extends AdderSkill {
    @Override
    int sum(int a, int b) {
        return a + b;
    }

    @Override
    int roll(SkillContext context) {
        return context.random().nextInt(1000);
    }
}
