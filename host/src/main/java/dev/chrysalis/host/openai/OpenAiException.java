package dev.chrysalis.host.openai;

/**
 * A request the endpoint refuses, with what OpenAI's API would answer: HTTP status and the error body's
 * {@code message}, {@code type}, {@code param} (empty when no single parameter is at fault) and {@code code}.
 */
public final class OpenAiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public OpenAiException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static OpenAiException invalid(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", param, "invalid_value", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
