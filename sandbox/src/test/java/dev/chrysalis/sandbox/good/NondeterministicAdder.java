package dev.chrysalis.sandbox.good;

import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import org.osgi.service.component.annotations.Component;

/** Ignores the context's random source, so replays of the same case disagree. */
@Component(service = Skill.class)
public class NondeterministicAdder extends AdderSkill {
    @Override
    int sum(int a, int b) {
        return a + b;
    }

    @Override
    int roll(SkillContext context) {
        return (int) ((System.nanoTime() / 1000) % 1000);
    }
}
