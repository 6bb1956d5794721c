package dev.chrysalis.skill.text;

/**
 * A text that counts how often the regex engine reads it and gives up past a budget: the guard against
 * catastrophic backtracking ({@code (a+)+$} on a long run of a's), which no timeout inside the engine offers.
 */
final class BoundedText implements CharSequence {
    /** Thrown when the budget is spent; caught by the caller and turned into a clear error. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("regex step budget exceeded", null, false, false);
        }
    }

    private final String text;
    private final long[] remaining;

    BoundedText(String text, long budget) {
        this(text, new long[] {budget});
    }

    private BoundedText(String text, long[] remaining) {
        this.text = text;
        this.remaining = remaining;
    }

    @Override
    public char charAt(int index) {
        if (--remaining[0] < 0) {
            throw new BudgetExceeded();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
