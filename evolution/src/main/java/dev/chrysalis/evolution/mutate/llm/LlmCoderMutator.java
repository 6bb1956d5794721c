package dev.chrysalis.evolution.mutate.llm;

import dev.chrysalis.evolution.build.CompileDiagnostic;
import dev.chrysalis.evolution.mutate.Mutation;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.evolution.mutate.Operator;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.PluginPaths;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.mutate.RepairBrief;
import dev.chrysalis.evolution.mutate.SourceRegions;
import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.engine.StopReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The LLM coder on our own engine. For a node of the candidate tree it asks the model, with the batch's
 * evidence and the located source, for search-and-replace edits decoded under the {@link EditFormat} schema,
 * so every complete answer parses and validates. The edits become a candidate only when each {@code find}
 * occurs exactly once in its file ({@link EditApplier}); otherwise the attempt is rejected with the reason.
 * The next attempt for the node is told why the previous one failed: refused, cut off, did not compile (the
 * compiler's messages), or compiled without fixing the evidence.
 */
public final class LlmCoderMutator implements Mutator, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LlmCoderMutator.class.getName());

    /**
     * One answer of the model, for benchmarks and reports.
     *
     * @param toldWhy what the prompt said about the previous attempt (refusal, compile errors), empty for a first attempt
     */
    public record Attempt(String batch, int number, String toldWhy, StopReason stop, int promptTokens, int reusedTokens,
                          int generatedTokens, long nanos, String output, String outcome) {
    }

    private final CoderModel model;
    private final EditApplier applier = new EditApplier();
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());

    public LlmCoderMutator(CoderModel model) {
        this.model = model;
    }

    /** Loads the model of {@code settings} (close the mutator to release it). */
    public static LlmCoderMutator load(LlmCoderSettings settings) {
        return new LlmCoderMutator(CoderModel.load(settings));
    }

    @Override
    public String name() {
        return "llm-coder";
    }

    /** Every answer asked so far, oldest first. */
    public List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    @Override
    public Proposals propose(MutationRequest request) {
        return new NodeProposals(request);
    }

    @Override
    public void close() {
        model.close();
    }

    private final class NodeProposals implements Proposals {
        private final MutationRequest request;
        private final List<String> editable;
        private final EditFormat format;
        private int made;
        private Optional<String> feedback = Optional.empty();
        /** The edits of the last rewrite handed out; still set at the next call when it compiled. */
        private Optional<String> lastRewrite = Optional.empty();
        /** The feedback the current attempt's prompt carries. */
        private String told = "";

        NodeProposals(MutationRequest request) {
            this.request = request;
            this.editable = request.files().keySet().stream().filter(PluginPaths::editable).toList();
            this.format = editable.isEmpty() ? null : new EditFormat(editable, model.settings().maxTokens());
        }

        @Override
        public boolean hasNext() {
            return format != null && made < model.settings().attempts();
        }

        @Override
        public Proposal next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no coder attempt left for this node");
            }
            made++;
            lastRewrite.ifPresent(edits -> feedback = Optional.of("your edits " + edits
                    + " compiled, but the failing calls still fail; find the real fault."));
            lastRewrite = Optional.empty();
            LlmCoderSettings s = model.settings();
            List<ChatMessage> messages = null;
            int tokens = 0;
            try {
                for (RepairBrief.Detail detail : RepairBrief.Detail.values()) {
                    messages = CoderPrompt.messages(request, detail, feedback);
                    tokens = model.promptTokens(messages);
                    if (tokens + s.maxTokens() <= model.contextLength()) {
                        break;
                    }
                    messages = null;
                }
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    // JDT's parser aborts on an interrupted thread; the loop sees the interrupt and ends the run
                    return reject("interrupted while the prompt was built", null);
                }
                throw e;
            }
            if (messages == null) {
                return reject("the shortest prompt needs " + tokens + " tokens plus " + s.maxTokens() + " for the answer, but the coder's context holds "
                        + model.contextLength(), null);
            }
            long seed = s.seed() + 1_000_003L * made + 31L * (request.batch().id().hashCode() * 31L + request.files().hashCode());
            told = feedback.orElse("");
            CoderModel.Answer answer = model.json(messages, format.schema(), format.closingReserve(), seed);
            if (!answer.complete()) {
                feedback = Optional.of("your answer was cut off after " + answer.generatedTokens() + " tokens; give fewer, shorter edits.");
                return reject("answer did not close within " + answer.generatedTokens() + " tokens (" + answer.stopReason() + "): "
                        + EditFormat.abbreviate(answer.text()), answer);
            }
            EditFormat.Plan plan = format.parse(answer.text());
            String edits = plan.edits().stream().map(e -> "{file " + e.file() + ", find " + EditFormat.abbreviate(e.find())
                    + ", replace " + EditFormat.abbreviate(e.replace()) + "}").collect(Collectors.joining(", "));
            return switch (applier.apply(request.files(), plan.edits())) {
                case EditApplier.Result.Refused refused -> {
                    feedback = Optional.of(refused.reason() + ".");
                    yield reject(refused.reason(), answer);
                }
                case EditApplier.Result.Applied applied -> {
                    lastRewrite = Optional.of(edits);
                    feedback = Optional.empty();
                    record(answer, "rewrite: " + edits);
                    yield new Proposal.Rewrite(mutation(applied, plan), "llm-coder attempt " + made + cost(answer) + ": " + answer.text());
                }
            };
        }

        @Override
        public void compileFailed(Mutation mutation, List<CompileDiagnostic> diagnostics) {
            String errors = diagnostics.stream().filter(d -> d.kind().equals("ERROR")).limit(5)
                    .map(d -> d.file() + ":" + d.line() + ": " + d.message()).collect(Collectors.joining("\n"));
            feedback = Optional.of("your edits " + lastRewrite.orElse("") + " did not compile:\n" + errors);
            lastRewrite = Optional.empty();
        }

        private Mutation mutation(EditApplier.Result.Applied applied, EditFormat.Plan plan) {
            Map<String, String> changed = new LinkedHashMap<>(applied.changed());
            String first = plan.edits().getFirst().file();
            String firstText = changed.remove(first);
            if (firstText == null) {
                // the first edit was undone by a later one: name the first file that did change
                first = applied.changed().keySet().iterator().next();
                firstText = changed.remove(first);
            }
            String original = request.files().get(first);
            String type = first.substring(first.lastIndexOf('/') + 1, first.length() - ".java".length());
            String method = SourceRegions.methodAt(original, applied.firstLine()).orElse(type + ".?");
            String what = RepairBrief.oneLine(plan.rationale().isBlank() ? "(no rationale)" : plan.rationale(), 100)
                    + " [" + plan.edits().size() + (plan.edits().size() == 1 ? " edit]" : " edits]");
            return new Mutation(Operator.LLM_CODER, first, method, applied.firstLine(), what, firstText, changed);
        }

        private Proposal reject(String reason, CoderModel.Answer answer) {
            if (answer != null) {
                record(answer, "rejected: " + reason);
            }
            return new Proposal.Rejected(name(), Operator.LLM_CODER, "attempt " + made + ": " + reason + (answer == null ? "" : cost(answer)));
        }

        private static String cost(CoderModel.Answer a) {
            return " (" + a.promptTokens() + " prompt + " + a.generatedTokens() + " generated tokens, " + a.nanos() / 1_000_000 + " ms)";
        }

        private void record(CoderModel.Answer a, String outcome) {
            attempts.add(new Attempt(request.batch().id(), made, told, a.stopReason(), a.promptTokens(), a.reusedTokens(), a.generatedTokens(),
                    a.nanos(), a.text(), outcome));
            LOG.log(System.Logger.Level.INFO, "llm-coder batch {0} attempt {1}: {2} prompt + {3} generated tokens in {4} ms; {5}",
                    request.batch().id(), made, a.promptTokens(), a.generatedTokens(), a.nanos() / 1_000_000, outcome);
        }
    }
}
