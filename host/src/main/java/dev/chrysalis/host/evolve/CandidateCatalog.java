package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.pipeline.Journal;
import dev.chrysalis.evolution.pipeline.Stage;
import dev.chrysalis.evolution.pipeline.Transition;
import dev.chrysalis.evolution.workspace.CandidateRef;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.governance.approval.Submission;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The candidates of a data directory's evolution, read from the workspace branches ({@code evolve/<batch>/<n>}),
 * the journal (digest, trial result, verdict) and governance (the submission of a winner).
 */
public final class CandidateCatalog implements AutoCloseable {
    /**
     * One candidate.
     *
     * @param verdict    pass (handed to governance), fail, did not compile, or unfinished (its run was interrupted)
     * @param trial      the trial's summary (evidence fixed, regression kept), or the compiler's message
     * @param submission its governance submission (winners only)
     */
    public record Row(String batch, int n, String branch, String commitId, String operator, String mutation, Optional<String> digest,
                      String verdict, String trial, String plugin, Optional<Submission> submission, List<Transition> history) {
        public String id() {
            return batch + "/" + n;
        }

        public String governance() {
            return submission.map(s -> "#" + s.id() + " " + s.status().id()).orElse("-");
        }
    }

    private final Path home;
    private final Workspace workspace;

    private CandidateCatalog(Path home, Workspace workspace) {
        this.home = home;
        this.workspace = workspace;
    }

    /** Opens the catalogue of {@code <data dir>/evolution}; empty when no evolution has run there. */
    public static Optional<CandidateCatalog> open(Path dataDir) {
        Path home = dataDir.toAbsolutePath().normalize().resolve("evolution");
        if (!Files.isDirectory(home.resolve("workspace/.git"))) {
            return Optional.empty();
        }
        return Optional.of(new CandidateCatalog(home, Workspace.openOrCreate(home, home, Clock.systemUTC())));
    }

    /**
     * Every candidate, batch by batch in number order.
     *
     * @param submissions looks up governance's submission of (plugin symbolic name, digest)
     */
    public List<Row> rows(BiFunction<String, String, Optional<Submission>> submissions) {
        Journal journal = new Journal(home.resolve("evolution/journal.jsonl"));
        List<Transition> all = journal.read();
        BatchBook book = BatchBook.open(home);
        List<Row> out = new ArrayList<>();
        for (CandidateRef ref : workspace.candidates()) {
            String[] parts = ref.branch().split("/");
            if (parts.length != 3) {
                continue;
            }
            String batch = parts[1];
            int n = Integer.parseInt(parts[2]);
            List<Transition> history = all.stream().filter(t -> t.batch().equals(batch) && t.candidate() == n).toList();
            String firstLine = ref.message().lines().findFirst().orElse("");
            String operator = firstLine.contains("(") && firstLine.endsWith(")")
                    ? firstLine.substring(firstLine.lastIndexOf('(') + 1, firstLine.length() - 1) : "?";
            String mutation = ref.message().lines().skip(2).findFirst().orElse(firstLine).strip();
            Optional<String> digest = history.stream().filter(t -> t.to() == Stage.TRIAL && t.detail().startsWith("bundle sha256 "))
                    .map(t -> t.detail().substring("bundle sha256 ".length()).strip()).reduce((a, b) -> b);
            String verdict = "unfinished";
            String trial = "-";
            for (Transition t : history) {
                if (t.from() == Stage.COMPILE && t.to() == Stage.MUTATE) {
                    verdict = "did not compile";
                    trial = t.detail();
                } else if (t.to() == Stage.VERDICT) {
                    trial = t.detail();
                    verdict = "fail";
                } else if (t.to() == Stage.HANDED_TO_GOVERNANCE) {
                    verdict = "pass";
                }
            }
            String plugin = book.find(batch).map(BatchBook.StoredBatch::plugin).orElse(batch.substring(0, Math.max(0, batch.lastIndexOf('-'))));
            Optional<Submission> submission = Optional.empty();
            if (digest.isPresent() && verdict.equals("pass")) {
                String bsn = workspace.plugins().stream().filter(p -> p.name().equals(plugin)).findFirst()
                        .map(p -> p.symbolicName()).orElse(plugin);
                submission = submissions.apply(bsn, digest.get());
            }
            out.add(new Row(batch, n, ref.branch(), ref.commitId(), operator, mutation, digest, verdict, trial, plugin, submission, history));
        }
        out.sort(Comparator.comparing(Row::batch).thenComparingInt(Row::n));
        return out;
    }

    /** A candidate by id: {@code <batch>/<n>} or its branch {@code evolve/<batch>/<n>}. */
    public static Row find(List<Row> rows, String id) {
        String key = id.startsWith("evolve/") ? id.substring("evolve/".length()) : id;
        return rows.stream().filter(r -> r.id().equals(key)).findFirst().orElseThrow(() -> new EvolveException("no candidate '" + id
                + "' (a candidate id is <batch>/<n>, e.g. " + rows.stream().findFirst().map(Row::id).orElse("calculator-1/1")
                + "; see 'chrysalis candidates list')"));
    }

    /** The unified diff of the candidate's commit against main. */
    public String diff(Row row) {
        try (Git git = Git.open(workspace.root().toFile())) {
            Repository repo = git.getRepository();
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit main = walk.parseCommit(repo.resolve(Workspace.MAIN));
                RevCommit candidate = walk.parseCommit(ObjectId.fromString(row.commitId()));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (DiffFormatter f = new DiffFormatter(bytes)) {
                    f.setRepository(repo);
                    f.format(main.getTree(), candidate.getTree());
                }
                return bytes.toString(StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new EvolveException("cannot diff " + row.branch() + " against main in " + workspace.root() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        workspace.close();
    }
}
