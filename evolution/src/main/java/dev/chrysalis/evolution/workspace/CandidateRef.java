package dev.chrysalis.evolution.workspace;

import java.util.Objects;

/** A candidate's branch ({@code evolve/<batch>/<n>}) and the one commit on it. */
public record CandidateRef(String branch, String commitId, String message) {
    public CandidateRef {
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(commitId, "commitId");
        Objects.requireNonNull(message, "message");
    }

    public static String branchName(String batchId, int n) {
        return "evolve/" + batchId + "/" + n;
    }
}
