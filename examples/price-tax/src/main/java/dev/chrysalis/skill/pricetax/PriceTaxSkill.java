package dev.chrysalis.skill.pricetax;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillExample;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillInputs;
import dev.chrysalis.spi.skill.SkillResult;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** Prices an order of identical items: volume discount, then sales tax (see SKILL.md). */
@Component(service = Skill.class)
public final class PriceTaxSkill implements Skill {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String AMOUNT = "\\d+(?:\\.\\d+)?";

    @Override
    public String name() {
        return "price-tax";
    }

    @Override
    public String description() {
        return "Prices an order of identical items with a volume discount (10+ items 5% off, 50+ 10% off) and sales tax "
                + "(e.g. price of 12 at 2.50 with 8% tax).";
    }

    @Override
    public JsonNode inputSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.putObject("quantity").put("type", "integer").put("description", "how many items");
        props.putObject("unitPrice").put("type", "number").put("description", "the price of one item");
        props.putObject("taxPercent").put("type", "number").put("description", "sales tax in percent");
        schema.putArray("required").add("quantity").add("unitPrice").add("taxPercent");
        return schema;
    }

    @Override
    public List<SkillExample> examples() {
        return List.of(new SkillExample("price of 12 at 2.50 with 8% tax",
                NODES.objectNode().put("quantity", 12).put("unitPrice", 2.5).put("taxPercent", 8)));
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return List.of(new RoutePattern("(?:what is the )?price (?:of|for) (?<quantity>\\d+)(?: items?)? at (?<unitPrice>" + AMOUNT
                + ") with (?<taxPercent>" + AMOUNT + ") ?% tax\\??", Map.of(), 20));
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillInputException {
        JsonNode in = SkillInputs.object(input);
        int quantity = SkillInputs.optionalInt(in, "quantity")
                .orElseThrow(() -> new SkillInputException("field 'quantity' is required (a whole number of items)"));
        BigDecimal unitPrice = SkillInputs.optionalNumber(in, "unitPrice")
                .orElseThrow(() -> new SkillInputException("field 'unitPrice' is required (a number)"));
        BigDecimal taxPercent = SkillInputs.optionalNumber(in, "taxPercent")
                .orElseThrow(() -> new SkillInputException("field 'taxPercent' is required (a number)"));
        if (quantity < 1 || quantity > 1_000_000) {
            throw new SkillInputException("field 'quantity' must be 1..1000000, got " + quantity);
        }
        if (unitPrice.signum() < 0 || taxPercent.signum() < 0 || taxPercent.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new SkillInputException("'unitPrice' must not be negative and 'taxPercent' must be 0..100");
        }
        Pricing.Quote q = Pricing.quote(quantity, unitPrice, taxPercent);
        String text = q.quantity() + " x " + q.unitPrice().toPlainString() + " = " + q.subtotal().toPlainString()
                + (q.discountPercent() > 0 ? " after " + q.discountPercent() + "% off" : "") + ", + " + q.tax().toPlainString()
                + " tax = " + q.total().toPlainString();
        ObjectNode out = NODES.objectNode();
        out.put("quantity", q.quantity());
        out.put("unitPrice", q.unitPrice().toPlainString());
        out.put("discountPercent", q.discountPercent());
        out.put("subtotal", q.subtotal().toPlainString());
        out.put("tax", q.tax().toPlainString());
        out.put("total", q.total().toPlainString());
        out.put("text", text);
        return new SkillResult(out, text);
    }
}
