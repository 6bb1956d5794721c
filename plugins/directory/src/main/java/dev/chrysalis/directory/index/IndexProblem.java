package dev.chrysalis.directory.index;

/**
 * An index entry that could not be loaded.
 *
 * @param position the entry's place in the index, from 1
 * @param entryId  its id when that much could be read, else {@code ?}
 * @param message  what is wrong, naming the field
 */
public record IndexProblem(int position, String entryId, String message) {
    @Override
    public String toString() {
        return "entry #" + position + " (" + entryId + "): " + message;
    }
}
