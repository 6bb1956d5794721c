package dev.chrysalis.inference.cli;

import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.chat.ChatTemplate;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Interactive multi-turn chat: each line read is a user turn; the whole conversation is rendered with the
 * model's chat template and sent to one {@link Session}, whose KV cache already holds the earlier turns,
 * so only the new turn is computed. {@code /reset} starts over, {@code /exit} or end of input quits.
 */
final class ChatLoop {

    private final Engine engine;
    private final Tokenizer tok;
    private final ChatTemplate template;
    private final InferenceCli.GenerateArgs args;
    private final PrintStream out;
    private final PrintStream err;
    private final BufferedReader in;

    ChatLoop(Engine engine, Tokenizer tok, ChatTemplate template, InferenceCli.GenerateArgs args, PrintStream out, PrintStream err,
             BufferedReader in) {
        this.engine = engine;
        this.tok = tok;
        this.template = template;
        this.args = args;
        this.out = out;
        this.err = err;
        this.in = in;
    }

    int run() {
        List<ChatMessage> messages = new ArrayList<>();
        args.system().ifPresent(s -> messages.add(ChatMessage.system(s)));
        int initial = messages.size();
        Set<Integer> stops = template.stopTokens(tok);
        err.println("chat with " + engine.file().path().getFileName() + " (template " + template.name()
                + "); /reset starts over, /exit quits");
        try (Session session = engine.newSession()) {
            long seed = args.seed();
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) {
                    out.println();
                    return 0;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.strip().equals("/reset")) {
                    messages.subList(initial, messages.size()).clear();
                    session.reset();
                    err.println("[conversation cleared]");
                    continue;
                }
                messages.add(ChatMessage.user(line));
                int[] prompt = template.encode(tok, messages, true);
                if (prompt.length >= session.contextLength()) {
                    err.println("error: the conversation (" + prompt.length + " tokens) no longer fits the context of "
                            + session.contextLength() + "; /reset to start over");
                    messages.removeLast();
                    continue;
                }
                InferenceCli.StreamingText text = new InferenceCli.StreamingText(tok, out);
                GenerationRequest req = GenerationRequest.greedy(prompt, args.maxTokens()).withSampling(args.sampling(), seed++)
                        .withStopTokens(stops);
                GenerationResult r = session.generate(req, text::accept);
                text.flush();
                out.println();
                int[] reply = r.tokens();
                if (reply.length > 0 && stops.contains(reply[reply.length - 1])) {
                    reply = Arrays.copyOf(reply, reply.length - 1);
                }
                messages.add(ChatMessage.assistant(tok.decode(reply)));
                err.printf(Locale.ROOT, "[%d prompt tokens, %d reused from earlier turns, first token %.0f ms, %d generated %.2f tok/s]%n",
                        r.promptTokens(), r.reusedTokens(), r.firstTokenNanos() / 1e6, r.tokens().length, r.decodeTokensPerSecond());
            }
        } catch (IOException e) {
            err.println("error: reading input: " + e.getMessage());
            return 1;
        }
    }
}
