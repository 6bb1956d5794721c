package dev.chrysalis.spi.router;

import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;

/** Chooses a skill and its arguments for a user message, from the catalogue of installed skills. */
public interface Router {

    String name();

    /** Never throws for an ordinary message: a message no skill fits is {@link RouteDecision.Unrouted}. */
    RouteDecision route(String message, List<SkillDescriptor> catalogue);
}
