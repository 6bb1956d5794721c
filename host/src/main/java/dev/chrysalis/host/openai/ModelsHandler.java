package dev.chrysalis.host.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.chrysalis.host.llm.LlmModel;
import java.io.IOException;
import java.time.Clock;

/** {@code GET /v1/models} (and {@code /v1/models/<id>}): the one model this server serves. */
final class ModelsHandler implements HttpHandler {
    private final LlmModel model;
    private final long created;

    ModelsHandler(LlmModel model, Clock clock) {
        this.model = model;
        this.created = clock.instant().getEpochSecond();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                HttpIo.sendError(ex, new OpenAiException(405, "invalid_request_error", "", "method_not_allowed",
                        ex.getRequestMethod() + " is not allowed on /v1/models: use GET"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            String rest = path.length() > "/v1/models".length() ? path.substring("/v1/models/".length()) : "";
            if (!rest.isEmpty()) {
                if (!rest.equals(model.id())) {
                    HttpIo.sendError(ex, new OpenAiException(404, "invalid_request_error", "model", "model_not_found",
                            "the model '" + rest + "' does not exist; this server serves '" + model.id() + "'"));
                    return;
                }
                HttpIo.sendJson(ex, 200, entry());
                return;
            }
            ObjectNode root = HttpIo.JSON.createObjectNode().put("object", "list");
            root.putArray("data").add(entry());
            HttpIo.sendJson(ex, 200, root);
        }
    }

    private ObjectNode entry() {
        return HttpIo.JSON.createObjectNode().put("id", model.id()).put("object", "model").put("created", created)
                .put("owned_by", "chrysalis");
    }
}
