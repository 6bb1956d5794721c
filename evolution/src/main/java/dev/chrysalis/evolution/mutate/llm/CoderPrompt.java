package dev.chrysalis.evolution.mutate.llm;

import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.PluginPaths;
import dev.chrysalis.evolution.mutate.RepairBrief;
import dev.chrysalis.inference.chat.ChatMessage;
import java.util.List;
import java.util.Optional;

/**
 * The coder's conversation for one node: a system message fixing the task and the answer format, then a user
 * message with the {@link RepairBrief} (evidence and located source with line numbers) and, on a later
 * attempt, why the previous answer was refused or did not compile.
 */
final class CoderPrompt {
    static final String SYSTEM = """
            You repair bugs in the Java sources of a plugin. You are shown failing calls and the code most \
            likely at fault, with line numbers (the numbers and the '| ' after them are not part of the file). \
            Answer with one JSON object: {"rationale": one short sentence, "edits": [{"file": a file path shown \
            below, "find": text copied exactly from that file (it must occur exactly once there; include enough \
            of the line to be unique), "replace": the corrected text}]}. Change as little as possible.""";

    private CoderPrompt() {
    }

    static List<ChatMessage> messages(MutationRequest request, RepairBrief.Detail detail, Optional<String> feedback) {
        StringBuilder u = new StringBuilder(RepairBrief.render(request, detail, PluginPaths::editable));
        feedback.ifPresent(f -> u.append("\nYour previous answer could not be used: ").append(f)
                .append("\nAnswer again with edits whose 'find' text is copied exactly from the file shown.\n"));
        return List.of(ChatMessage.system(SYSTEM), ChatMessage.user(u.toString()));
    }
}
