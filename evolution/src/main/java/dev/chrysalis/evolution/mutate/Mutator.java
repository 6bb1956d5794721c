package dev.chrysalis.evolution.mutate;

/**
 * Something that rewrites a plugin's sources to fix a batch's evidence: the AST repair operators, the LLM
 * coder on our engine, or an external coding-agent command. The loop asks each configured mutator, in order,
 * for proposals for a node of the candidate tree and pulls them one at a time, so an expensive mutator only
 * works for as many candidates as the budget allows.
 */
public interface Mutator {
    /** A short name for journals and tables ({@code ast}, {@code llm-coder}, {@code external-agent}). */
    String name();

    /** The proposals for one node of the candidate tree, most promising first; produced lazily. */
    Proposals propose(MutationRequest request);
}
