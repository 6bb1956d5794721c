package dev.chrysalis.harness.router;

/**
 * The message as the regex engine reads it, with a budget of character reads, so a pattern that
 * backtracks catastrophically on a long message is abandoned instead of stalling the turn.
 */
final class BoundedText implements CharSequence {

    /** Thrown inside matching when the budget is spent; caught by the router, which skips the pattern. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("regex read budget exceeded", null, false, false);
        }
    }

    private final String text;
    private final int from;
    private final int to;
    private final long[] budget;

    BoundedText(String text, long reads) {
        this(text, 0, text.length(), new long[] {reads});
    }

    private BoundedText(String text, int from, int to, long[] budget) {
        this.text = text;
        this.from = from;
        this.to = to;
        this.budget = budget;
    }

    @Override
    public int length() {
        return to - from;
    }

    @Override
    public char charAt(int index) {
        if (--budget[0] < 0) {
            throw new BudgetExceeded();
        }
        return text.charAt(from + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedText(text, from + start, from + end, budget);
    }

    @Override
    public String toString() {
        return text.substring(from, to);
    }
}
