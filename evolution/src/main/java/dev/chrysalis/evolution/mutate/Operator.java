package dev.chrysalis.evolution.mutate;

/**
 * How a mutation was made: the AST repair operators, finest edit first (the planner's tie-break: try the
 * smallest change first), then the model- and agent-written rewrites, so per-plugin statistics cover every mutator.
 */
public enum Operator {
    /** {@code <} {@code <=} {@code >} {@code >=} {@code ==} {@code !=} replaced by a neighbour. */
    COMPARISON_REPLACE,
    /** {@code +} {@code -} {@code *} {@code /} {@code %} replaced by a sibling operator; {@code &&} with {@code ||}. */
    OPERATOR_REPLACE,
    /** An integer literal one up or one down. */
    OFF_BY_ONE,
    /** A boolean literal flipped; an integer literal set to 0 or 1; a string literal emptied. */
    CONSTANT_CHANGE,
    /** Two adjacent arguments of a call swapped. */
    ARGUMENT_SWAP,
    /** The condition of an if, while, do or conditional expression negated. */
    NEGATE_CONDITION,
    /** A statement using a local or field guarded by {@code x != null} (and, for strings, {@code !x.isEmpty()}). */
    NULL_GUARD,
    /** Two adjacent statements swapped (hook order, routing order). */
    STATEMENT_SWAP,
    /** A statement removed. */
    STATEMENT_DELETE,
    /** Not an AST operator: edits written by the LLM coder on our engine. */
    LLM_CODER,
    /** Not an AST operator: files changed by an external coding-agent command. */
    EXTERNAL_AGENT;

    /** Whether this is one of the AST repair operators (the ones {@link AstMutator} applies). */
    public boolean ast() {
        return this != LLM_CODER && this != EXTERNAL_AGENT;
    }

    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
