package dev.chrysalis.sandbox.good;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import org.osgi.service.component.annotations.Component;

/** A regression: subtracts instead of adding. */
@Component(service = Skill.class)
public class WrongAdder extends AdderSkill {
    @Override
    int sum(int a, int b) {
        return a - b;
    }

    @Override
    int roll(SkillContext context) {
        return context.random().nextInt(1000);
    }
}
