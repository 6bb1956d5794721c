package dev.chrysalis.inference.chat;

/** A chat template that is unknown, or a conversation it cannot render. */
public final class ChatTemplateException extends RuntimeException {

    public ChatTemplateException(String message) {
        super(message);
    }
}
