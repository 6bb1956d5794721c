package dev.chrysalis.governance.capability;

import java.util.Objects;

/**
 * One place where scanned code needs a capability.
 *
 * @param className  the scanned class, dotted ({@code com.example.Fetch})
 * @param method     the method holding the reference, with its descriptor ({@code run(Ljava/lang/String;)V}),
 *                   or {@code <class>} for a class-level reference (extends / implements)
 * @param reference  what it refers to, readable ({@code calls java.net.URL.openStream()})
 * @param line       the source line when the class carries line numbers, else -1
 * @param source     the jar entry the class came from ({@code com/example/Fetch.class}, nested jars as {@code a.jar!/X.class})
 */
public record CapabilityUse(Capability capability, String className, String method, String reference, int line,
                            String source) {
    public CapabilityUse {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(source, "source");
    }

    /** {@code com.example.Fetch.run(Ljava/lang/String;)V line 12: calls java.net.URL.openStream (net)} */
    public String describe() {
        return className + "." + method + (line > 0 ? " line " + line : "") + ": " + reference + " (" + capability.id() + ")";
    }
}
