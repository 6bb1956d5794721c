package dev.chrysalis.evolution.mutate;

/**
 * How a mutation was made: the AST repair operators, finest edit first (the planner's tie-break: try the
 * smallest change first), then the model- and agent-written rewrites, so per-plugin statistics cover every mutator.
 */
public enum Operator {
    /** {@code <} {@code <=} {@code >} {@code >=} {@code ==} {@code !=} replaced by a neighbour. */
    COMPARISON_REPLACE(1.0),
    /** {@code +} {@code -} {@code *} {@code /} {@code %} replaced by a sibling operator; {@code &&} with {@code ||}. */
    OPERATOR_REPLACE(0.8),
    /** An integer literal one up or one down. */
    OFF_BY_ONE(1.0),
    /** A boolean literal flipped; an integer literal set to 0 or 1; a string literal emptied. */
    CONSTANT_CHANGE(0.6),
    /** Two adjacent arguments of a call swapped. */
    ARGUMENT_SWAP(0.7),
    /** The condition of an if, while, do or conditional expression negated. */
    NEGATE_CONDITION(0.9),
    /** A statement using a local or field guarded by {@code x != null} (and, for strings, {@code !x.isEmpty()}). */
    NULL_GUARD(0.5),
    /** Two adjacent statements swapped (hook order, routing order). */
    STATEMENT_SWAP(0.6),
    /** A statement removed. */
    STATEMENT_DELETE(0.4),
    /** Not an AST operator: edits written by the LLM coder on our engine. */
    LLM_CODER(1.0),
    /** Not an AST operator: files changed by an external coding-agent command. */
    EXTERNAL_AGENT(1.0);

    /** Whether this is one of the AST repair operators (the ones {@link AstMutator} applies). */
    public boolean ast() {
        return this != LLM_CODER && this != EXTERNAL_AGENT;
    }

    private final double prior;

    Operator(double prior) {
        this.prior = prior;
    }

    /**
     * How likely this kind of edit is to be the fix, relative to the others (one-token changes of a comparison or
     * a literal are the commonest one-line fixes in bug corpora such as ManySStuBs4J; deleting code rarely is).
     * The planner weighs a site's suspicion by it, so a likely edit on a slightly less suspicious line comes
     * before an unlikely one on the most suspicious line.
     */
    public double prior() {
        return prior;
    }

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
