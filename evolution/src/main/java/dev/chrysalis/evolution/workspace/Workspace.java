package dev.chrysalis.evolution.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The Git repository (JGit) holding the sources of every evolvable plugin: {@code <plugin>/plugin.json},
 * {@code SKILL.md} or {@code README.md}, {@code replay.jsonl}, {@code src/main/java/...}. {@code main} is
 * what is live. A candidate is a branch {@code evolve/<batch>/<n>} with exactly one commit on top of the
 * commit it was mutated from; candidates are written straight into the object database, so the checked-out
 * main worktree never changes under a running host.
 */
public final class Workspace implements AutoCloseable {
    public static final String MAIN = "main";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ARTIFACT = Pattern.compile("</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL);
    private static final Pattern CAPABILITIES = Pattern.compile("<chrysalis.capabilities>([^<]*)</chrysalis.capabilities>");

    private final Git git;
    private final Path root;
    private final Clock clock;

    private Workspace(Git git, Path root, Clock clock) {
        this.git = git;
        this.root = root;
        this.clock = clock;
    }

    /**
     * Opens the workspace under {@code dataDir/workspace}, creating it from the shipped sources under
     * {@code projectRoot} ({@code skills/*} and {@code plugins/harness/*}) on first use.
     */
    public static Workspace openOrCreate(Path dataDir, Path projectRoot, Clock clock) {
        Path root = dataDir.resolve("workspace");
        try {
            if (Files.isDirectory(root.resolve(".git"))) {
                return new Workspace(Git.open(root.toFile()), root, clock);
            }
            Files.createDirectories(root);
            Git git = Git.init().setDirectory(root.toFile()).setInitialBranch(MAIN).call();
            Workspace ws = new Workspace(git, root, clock);
            int imported = ws.importShipped(projectRoot);
            if (imported == 0) {
                throw new WorkspaceException("workspace " + root + ": no plugin sources found under " + projectRoot
                        + " (expected skills/<name>/src/main/java or plugins/harness/<name>/src/main/java)");
            }
            git.add().addFilepattern(".").call();
            git.commit().setMessage("import " + imported + " shipped plugins").setAuthor(ident(clock))
                    .setCommitter(ident(clock)).setSign(false).call();
            return ws;
        } catch (IOException | GitAPIException e) {
            throw new WorkspaceException("workspace " + root + ": cannot open or create: " + e.getMessage(), e);
        }
    }

    private static PersonIdent ident(Clock clock) {
        return new PersonIdent("Chrysalis evolution", "evolution@chrysalis.invalid", clock.instant(), clock.getZone());
    }

    private int importShipped(Path projectRoot) throws IOException {
        int n = 0;
        n += importFamily(projectRoot.resolve("skills"), "skill", "dev.chrysalis.skill.", "SKILL.md");
        n += importFamily(projectRoot.resolve("plugins/harness"), "harness", "dev.chrysalis.harness.", "README.md");
        return n;
    }

    private int importFamily(Path dir, String kind, String bsnPrefix, String doc) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        List<Path> modules;
        try (Stream<Path> s = Files.list(dir)) {
            modules = s.filter(p -> Files.isDirectory(p.resolve("src/main/java")) && Files.isRegularFile(p.resolve("pom.xml")))
                    .sorted().toList();
        }
        for (Path module : modules) {
            String name = module.getFileName().toString();
            String pom = Files.readString(module.resolve("pom.xml"));
            Matcher a = ARTIFACT.matcher(pom);
            if (!a.find()) {
                throw new WorkspaceException("plugin " + module + ": pom.xml names no artifactId after its parent");
            }
            Matcher c = CAPABILITIES.matcher(pom);
            PluginSource source = new PluginSource(name, kind, bsnPrefix + a.group(1), c.find() ? c.group(1).strip() : "");
            Path target = root.resolve(name);
            copyTree(module.resolve("src/main/java"), target.resolve("src/main/java"));
            for (String f : List.of(doc, "replay.jsonl")) {
                if (Files.isRegularFile(module.resolve(f))) {
                    Files.copy(module.resolve(f), target.resolve(f));
                }
            }
            ObjectNode meta = JSON.createObjectNode().put("name", source.name()).put("kind", source.kind())
                    .put("symbolicName", source.symbolicName()).put("capabilities", source.capabilities());
            Files.writeString(target.resolve("plugin.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n");
            n++;
        }
        return n;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                Files.createDirectories(dest.getParent());
                Files.copy(p, dest);
            }
        }
    }

    public Path root() {
        return root;
    }

    /** The commit a ref ({@code main}, a candidate branch, a commit id) names. */
    public String resolve(String ref) {
        try {
            ObjectId id = git.getRepository().resolve(ref);
            if (id == null) {
                throw new WorkspaceException("workspace " + root + ": no such ref '" + ref + "'");
            }
            return id.name();
        } catch (IOException e) {
            throw new WorkspaceException("workspace " + root + ": cannot resolve '" + ref + "': " + e.getMessage(), e);
        }
    }

    /** Every plugin on main. */
    public List<PluginSource> plugins() {
        List<PluginSource> out = new ArrayList<>();
        for (String path : listFiles(MAIN, "")) {
            if (path.endsWith("/plugin.json") && path.indexOf('/') == path.lastIndexOf('/')) {
                out.add(parseMeta(path, read(MAIN, path).orElseThrow()));
            }
        }
        return out;
    }

    public PluginSource plugin(String name) {
        return read(MAIN, name + "/plugin.json").map(t -> parseMeta(name + "/plugin.json", t))
                .orElseThrow(() -> new WorkspaceException("workspace " + root + ": no plugin '" + name + "' on main"));
    }

    private PluginSource parseMeta(String path, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return new PluginSource(n.path("name").asText(), n.path("kind").asText(), n.path("symbolicName").asText(),
                    n.path("capabilities").asText(""));
        } catch (IOException | IllegalArgumentException e) {
            throw new WorkspaceException("workspace " + root + ": " + path + " is not a plugin description: " + e.getMessage(), e);
        }
    }

    /** The files of a plugin at a ref, keyed by their path inside the plugin folder. */
    public Map<String, String> pluginFiles(String ref, String plugin) {
        Map<String, String> out = new TreeMap<>();
        for (String path : listFiles(ref, plugin + "/")) {
            out.put(path.substring(plugin.length() + 1), read(ref, path).orElseThrow());
        }
        if (out.isEmpty()) {
            throw new WorkspaceException("workspace " + root + ": plugin '" + plugin + "' has no files at " + ref);
        }
        return out;
    }

    /** The Java packages of a plugin's sources on main (from {@code src/main/java/<package path>/X.java}). */
    public java.util.Set<String> javaPackages(String plugin) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        String prefix = plugin + "/src/main/java/";
        for (String path : listFiles(MAIN, prefix)) {
            if (path.endsWith(".java") && path.lastIndexOf('/') > prefix.length()) {
                out.add(path.substring(prefix.length(), path.lastIndexOf('/')).replace('/', '.'));
            }
        }
        return out;
    }

    /** A file's UTF-8 text at a ref, if it exists there. */
    public Optional<String> read(String ref, String path) {
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(repo.resolve(resolve(ref)));
            try (TreeWalk tw = TreeWalk.forPath(repo, path, commit.getTree())) {
                if (tw == null) {
                    return Optional.empty();
                }
                return Optional.of(new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new WorkspaceException("workspace " + root + ": cannot read " + path + " at " + ref + ": " + e.getMessage(), e);
        }
    }

    private List<String> listFiles(String ref, String prefix) {
        Repository repo = git.getRepository();
        List<String> out = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(walk.parseCommit(repo.resolve(resolve(ref))).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                if (tw.getPathString().startsWith(prefix)) {
                    out.add(tw.getPathString());
                }
            }
            return out;
        } catch (IOException e) {
            throw new WorkspaceException("workspace " + root + ": cannot list " + ref + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the candidate branch {@code evolve/<batch>/<n>} with one commit on top of {@code parentRef}
     * replacing the given files (paths relative to the repository root).
     */
    public CandidateRef commitCandidate(String batchId, int n, String parentRef, Map<String, String> changedFiles, String message) {
        String branch = CandidateRef.branchName(batchId, n);
        Repository repo = git.getRepository();
        try (RevWalk walk = new RevWalk(repo); ObjectInserter ins = repo.newObjectInserter()) {
            if (repo.exactRef(Constants.R_HEADS + branch) != null) {
                throw new WorkspaceException("workspace " + root + ": candidate branch " + branch + " already exists");
            }
            RevCommit parent = walk.parseCommit(repo.resolve(resolve(parentRef)));
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            Map<String, String> remaining = new TreeMap<>(changedFiles);
            try (TreeWalk tw = new TreeWalk(repo)) {
                tw.addTree(parent.getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    String path = tw.getPathString();
                    DirCacheEntry e = new DirCacheEntry(path);
                    e.setFileMode(tw.getFileMode(0));
                    String replaced = remaining.remove(path);
                    e.setObjectId(replaced != null ? ins.insert(Constants.OBJ_BLOB, replaced.getBytes(StandardCharsets.UTF_8)) : tw.getObjectId(0));
                    builder.add(e);
                }
            }
            for (var added : remaining.entrySet()) {
                DirCacheEntry e = new DirCacheEntry(added.getKey());
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(ins.insert(Constants.OBJ_BLOB, added.getValue().getBytes(StandardCharsets.UTF_8)));
                builder.add(e);
            }
            builder.finish();
            ObjectId tree = index.writeTree(ins);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            cb.setParentId(parent);
            cb.setAuthor(ident(clock));
            cb.setCommitter(ident(clock));
            cb.setMessage(message);
            ObjectId commit = ins.insert(cb);
            ins.flush();
            RefUpdate ru = repo.updateRef(Constants.R_HEADS + branch);
            ru.setNewObjectId(commit);
            ru.setExpectedOldObjectId(ObjectId.zeroId());
            RefUpdate.Result r = ru.update(walk);
            if (r != RefUpdate.Result.NEW) {
                throw new WorkspaceException("workspace " + root + ": could not create " + branch + ": " + r);
            }
            return new CandidateRef(branch, commit.name(), message);
        } catch (IOException e) {
            throw new WorkspaceException("workspace " + root + ": cannot commit candidate " + branch + ": " + e.getMessage(), e);
        }
    }

    /** Every candidate branch, by name. */
    public List<CandidateRef> candidates() {
        Repository repo = git.getRepository();
        List<CandidateRef> out = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo)) {
            for (Ref ref : repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS + "evolve/")) {
                RevCommit c = walk.parseCommit(ref.getObjectId());
                out.add(new CandidateRef(ref.getName().substring(Constants.R_HEADS.length()), c.name(), c.getFullMessage()));
            }
            return out;
        } catch (IOException e) {
            throw new WorkspaceException("workspace " + root + ": cannot list candidates: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        git.close();
    }
}
