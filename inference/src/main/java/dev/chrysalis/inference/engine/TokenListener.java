package dev.chrysalis.inference.engine;

/** Receives each generated token as soon as it is chosen (on the generating thread). */
@FunctionalInterface
public interface TokenListener {

    void onToken(int tokenId);

    TokenListener NONE = t -> { };
}
