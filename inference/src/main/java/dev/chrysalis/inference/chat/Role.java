package dev.chrysalis.inference.chat;

/** Who wrote a chat message. */
public enum Role {
    SYSTEM, USER, ASSISTANT;

    /** The lower-case name chat formats write into headers ({@code system}, {@code user}, {@code assistant}). */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
