package dev.chrysalis.sandbox.harness.misroute;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** A router rewrite that misroutes a class of requests: every message goes to the calculator. */
@Component(service = Router.class)
public final class CalculatorOnlyRouter implements Router {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "calculator-only";
    }

    @Override
    public RouteDecision route(String message, List<SkillDescriptor> catalogue) {
        return new RouteDecision.Routed("calculator", JSON.createObjectNode().put("expression", message), 1.0,
                "everything is arithmetic");
    }
}
