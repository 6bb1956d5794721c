package dev.chrysalis.sandbox.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.guard.Violation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The worker's side of the JSON-lines channel to the parent: one JSON object per line on the process's
 * real standard output, which only this class holds (System.out is redirected to standard error).
 */
final class Protocol {
    static final ObjectMapper JSON = new ObjectMapper();

    private final OutputStream out;

    Protocol(OutputStream out) {
        this.out = out;
    }

    ObjectNode message(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    synchronized void send(ObjectNode message) {
        try {
            out.write((message.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the parent", e);
        }
    }

    void violation(Violation v) {
        send(message("violation").put("rule", v.rule().name()).put("target", v.target()).put("entry", v.entry())
                .put("where", v.where()));
    }
}
