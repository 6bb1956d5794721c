package dev.chrysalis.skill.pricetax;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The arithmetic of one order: volume discount, then sales tax, each rounded to cents. */
final class Pricing {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Pricing() {
    }

    /** One priced order. */
    record Quote(int quantity, BigDecimal unitPrice, int discountPercent, BigDecimal subtotal, BigDecimal tax, BigDecimal total) {
    }

    /** Volume discount tiers: orders of 10 items or more take 5% off, 50 or more take 10% off. */
    private static final int[] TIER_STARTS = {10, 50};
    private static final int[] TIER_PERCENTS = {0, 5, 10};

    static int discountPercent(int quantity) {
        int tier = 0;
        while (tier <= TIER_STARTS.length && quantity >= TIER_STARTS[tier]) {
            tier++;
        }
        return TIER_PERCENTS[tier];
    }

    /** The unit price is rounded to cents first, so 4, 4.0 and 4.00 price (and print) the same. */
    static Quote quote(int quantity, BigDecimal price, BigDecimal taxPercent) {
        int discount = discountPercent(quantity);
        BigDecimal unitPrice = price.setScale(2, RoundingMode.HALF_UP);
        BigDecimal gross = unitPrice.multiply(BigDecimal.valueOf(quantity));
        BigDecimal subtotal = gross.multiply(BigDecimal.valueOf(100 - discount)).divide(HUNDRED).setScale(2, RoundingMode.HALF_UP);
        BigDecimal tax = subtotal.multiply(taxPercent).divide(HUNDRED).setScale(2, RoundingMode.HALF_UP);
        return new Quote(quantity, unitPrice, discount, subtotal, tax, subtotal.add(tax));
    }
}
