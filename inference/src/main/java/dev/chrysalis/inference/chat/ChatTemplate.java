package dev.chrysalis.inference.chat;

import dev.chrysalis.inference.gguf.GgufMetadata;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a conversation into the prompt text a chat model was trained on. The rendering never includes the
 * leading BOS: {@link #encode} adds it when the tokenizer asks for one, so the prompt holds exactly one.
 */
public sealed interface ChatTemplate permits ChatTemplate.Llama2, ChatTemplate.Llama3, ChatTemplate.MarkedTurns {

    /** The template's name: {@code llama2}, {@code llama3}, {@code chatml}, {@code phi3} or {@code zephyr}. */
    String name();

    /**
     * The prompt text for {@code messages}; with {@code addAssistantPrefix} it ends where the assistant's
     * reply begins.
     *
     * @throws ChatTemplateException if the conversation is empty or its roles are out of order for the format
     */
    String render(List<ChatMessage> messages, boolean addAssistantPrefix);

    /** Control-token pieces that end the assistant's turn in this format (end-of-turn first). */
    List<String> stopPieces();

    /** Rendered and tokenized with control tokens parsed, BOS prepended when the tokenizer expects it. */
    default int[] encode(Tokenizer tokenizer, List<ChatMessage> messages, boolean addAssistantPrefix) {
        int[] body = tokenizer.encodeWithSpecialTokens(render(messages, addAssistantPrefix));
        if (!tokenizer.addBosByDefault() || tokenizer.bosId().isEmpty()) {
            return body;
        }
        int[] out = new int[body.length + 1];
        out[0] = tokenizer.bosId().getAsInt();
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** The ids that end a reply: this format's stop pieces that are single tokens, plus EOS and EOT. */
    default Set<Integer> stopTokens(Tokenizer tokenizer) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (String piece : stopPieces()) {
            int[] t = tokenizer.encodeWithSpecialTokens(piece);
            if (t.length == 1 && tokenizer.isControl(t[0])) {
                ids.add(t[0]);
            }
        }
        tokenizer.eotId().ifPresent(ids::add);
        tokenizer.eosId().ifPresent(ids::add);
        return Set.copyOf(ids);
    }

    /**
     * The template by name: {@code llama3}, {@code llama2}, {@code chatml} (also {@code qwen}), {@code phi3} or
     * {@code zephyr} (TinyLlama chat).
     *
     * @throws ChatTemplateException for any other name
     */
    static ChatTemplate named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "llama3", "llama-3" -> new Llama3();
            case "llama2", "llama-2" -> new Llama2();
            case "chatml", "qwen", "qwen2" -> MarkedTurns.chatMl();
            case "phi3", "phi-3" -> MarkedTurns.phi3();
            case "zephyr", "tinyllama" -> MarkedTurns.zephyr();
            default -> throw new ChatTemplateException("chat template '" + name + "' is unknown (llama3, llama2, chatml, phi3, zephyr)");
        };
    }

    /**
     * The template a model uses: recognized from the Jinja text in {@code tokenizer.chat_template} when present,
     * else from the vocabulary's chat markers, else from the architecture and tokenizer model.
     *
     * @throws ChatTemplateException if none of these identifies a supported format
     */
    static ChatTemplate forModel(GgufMetadata metadata) {
        String tmpl = metadata.getString("tokenizer.chat_template").orElse("");
        if (!tmpl.isEmpty()) {
            if (tmpl.contains("<|start_header_id|>")) {
                return new Llama3();
            }
            if (tmpl.contains("<|im_start|>")) {
                return MarkedTurns.chatMl();
            }
            if (tmpl.contains("<|user|>") && tmpl.contains("<|end|>")) {
                return MarkedTurns.phi3();
            }
            if (tmpl.contains("<|user|>")) {
                return MarkedTurns.zephyr();
            }
            if (tmpl.contains("[INST]")) {
                // Llama 2 (with <<SYS>>) and Mistral's [INST] format, which differs only in spacing around answers
                return new Llama2();
            }
        }
        List<String> tokens = metadata.getStringArray("tokenizer.ggml.tokens");
        if (tokens.contains("<|start_header_id|>") && tokens.contains("<|eot_id|>")) {
            return new Llama3();
        }
        if (tokens.contains("<|im_start|>") && tokens.contains("<|im_end|>")) {
            return MarkedTurns.chatMl();
        }
        String arch = metadata.getString("general.architecture").orElse("");
        String model = metadata.getString("tokenizer.ggml.model").orElse("");
        if (arch.startsWith("qwen")) {
            return MarkedTurns.chatMl();
        }
        if (arch.equals("llama") && model.equals("llama") && tmpl.isEmpty()) {
            return new Llama2();
        }
        throw new ChatTemplateException("no supported chat template for architecture '" + arch + "', tokenizer '" + model
                + "'" + (tmpl.isEmpty() ? "" : " and tokenizer.chat_template beginning '"
                + tmpl.substring(0, Math.min(60, tmpl.length())) + "'") + " (supported: llama3, llama2 and Mistral's [INST], chatml, phi3, zephyr)");
    }

    private static void requireMessages(List<ChatMessage> messages, String template) {
        if (messages.isEmpty()) {
            throw new ChatTemplateException(template + ": a conversation needs at least one message");
        }
    }

    /** Llama 3 / 3.x: header-delimited turns, each closed by {@code <|eot_id|>}. Content is trimmed as Meta's template does. */
    record Llama3() implements ChatTemplate {
        @Override
        public String name() {
            return "llama3";
        }

        @Override
        public String render(List<ChatMessage> messages, boolean addAssistantPrefix) {
            requireMessages(messages, name());
            StringBuilder sb = new StringBuilder();
            for (ChatMessage m : messages) {
                sb.append("<|start_header_id|>").append(m.role().wireName()).append("<|end_header_id|>\n\n")
                        .append(m.content().strip()).append("<|eot_id|>");
            }
            if (addAssistantPrefix) {
                sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            return sb.toString();
        }

        @Override
        public List<String> stopPieces() {
            return List.of("<|eot_id|>", "<|end_of_text|>");
        }
    }

    /**
     * Llama 2 chat: {@code [INST] <<SYS>>\nsystem\n<</SYS>>\n\nuser [/INST] answer </s><s>[INST] next [/INST]}. The
     * system prompt goes inside the first instruction; turns must alternate user/assistant.
     */
    record Llama2() implements ChatTemplate {
        @Override
        public String name() {
            return "llama2";
        }

        @Override
        public String render(List<ChatMessage> messages, boolean addAssistantPrefix) {
            requireMessages(messages, name());
            StringBuilder sb = new StringBuilder();
            String system = null;
            Role expected = Role.USER;
            boolean first = true;
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                if (m.role() == Role.SYSTEM) {
                    if (i != 0) {
                        throw new ChatTemplateException("llama2: a system message must come first (message " + i + ")");
                    }
                    system = m.content().strip();
                    continue;
                }
                if (m.role() != expected) {
                    throw new ChatTemplateException("llama2: message " + i + " is from " + m.role().wireName()
                            + " but the format needs " + expected.wireName() + " turns to alternate with assistant turns");
                }
                if (m.role() == Role.USER) {
                    sb.append(first ? "" : "<s>").append("[INST] ");
                    if (first && system != null) {
                        sb.append("<<SYS>>\n").append(system).append("\n<</SYS>>\n\n");
                    }
                    sb.append(m.content().strip()).append(" [/INST]");
                    first = false;
                    expected = Role.ASSISTANT;
                } else {
                    sb.append(' ').append(m.content().strip()).append(" </s>");
                    expected = Role.USER;
                }
            }
            if (first) {
                throw new ChatTemplateException("llama2: a conversation needs a user message");
            }
            return sb.toString();
        }

        @Override
        public List<String> stopPieces() {
            return List.of("</s>");
        }
    }

    /**
     * Templates that wrap each message as {@code open + role + close + content + end} and then open an
     * assistant message: ChatML (Qwen and others), Phi-3 and Zephyr (TinyLlama chat) differ only in markers.
     */
    record MarkedTurns(String name, String open, String close, String end, List<String> stopPieces) implements ChatTemplate {
        public MarkedTurns {
            stopPieces = List.copyOf(stopPieces);
        }

        /** ChatML: {@code <|im_start|>role\ncontent<|im_end|>\n} per message. */
        static MarkedTurns chatMl() {
            return new MarkedTurns("chatml", "<|im_start|>", "\n", "<|im_end|>\n", List.of("<|im_end|>", "<|endoftext|>"));
        }

        /** Phi-3: {@code <|role|>\ncontent<|end|>\n} per message. */
        static MarkedTurns phi3() {
            return new MarkedTurns("phi3", "<|", "|>\n", "<|end|>\n", List.of("<|end|>", "<|endoftext|>"));
        }

        /** Zephyr (TinyLlama chat): {@code <|role|>\ncontent</s>\n} per message. */
        static MarkedTurns zephyr() {
            return new MarkedTurns("zephyr", "<|", "|>\n", "</s>\n", List.of("</s>"));
        }

        @Override
        public String render(List<ChatMessage> messages, boolean addAssistantPrefix) {
            requireMessages(messages, name);
            StringBuilder sb = new StringBuilder();
            for (ChatMessage m : messages) {
                sb.append(open).append(m.role().wireName()).append(close).append(m.content()).append(end);
            }
            if (addAssistantPrefix) {
                sb.append(open).append("assistant").append(close);
            }
            return sb.toString();
        }
    }
}
