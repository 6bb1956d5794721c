package dev.chrysalis.skill.units;

/** What a unit measures; only units of the same dimension convert into each other. */
enum Dimension {
    LENGTH("length", "metre"),
    MASS("mass", "kilogram"),
    TEMPERATURE("temperature", "kelvin"),
    VOLUME("volume", "litre"),
    DATA("data size", "bit"),
    SPEED("speed", "metre per second");

    final String label;
    final String base;

    Dimension(String label, String base) {
        this.label = label;
        this.base = base;
    }
}
