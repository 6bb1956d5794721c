package dev.chrysalis.governance.promotion;

/** A promotion that cannot start or a journal that cannot be read; the message names the plugin and the reason. */
public class PromotionException extends RuntimeException {
    public PromotionException(String message) {
        super(message);
    }

    public PromotionException(String message, Throwable cause) {
        super(message, cause);
    }
}
