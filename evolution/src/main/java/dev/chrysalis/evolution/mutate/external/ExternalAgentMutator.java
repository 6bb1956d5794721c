package dev.chrysalis.evolution.mutate.external;

import dev.chrysalis.evolution.mutate.Mutation;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.evolution.mutate.Operator;
import dev.chrysalis.evolution.mutate.PluginPaths;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.mutate.RepairBrief;
import dev.chrysalis.evolution.mutate.SourceRegions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An external coding-agent command as a mutator. For a node it copies the node's plugin files into a fresh
 * temporary folder (never the workspace repository or the data directory), writes a prompt file with the
 * {@link RepairBrief} beside it, and runs the command there with a scrubbed environment (PATH, a temporary
 * HOME and LANG only: no inherited keys or secrets), the prompt on stdin, a timeout (the command and its
 * children are killed), and its output kept up to a bound. The files it changed become the candidate, but
 * only if every change is an edit or addition of a text Java source inside the plugin's source tree;
 * a failed or timed-out run, a change to anything else, or no change at all is a rejection saying why.
 */
public final class ExternalAgentMutator implements Mutator {
    static final String INSTRUCTIONS = """
            You are fixing a bug in a Java plugin. Its files are in the current directory. Below are the failing \
            calls and the code most likely at fault (line numbers are not part of the files). Edit only Java \
            sources under src/main/java/ (no build files, no binaries, no deletions), change as little as \
            possible, and exit with status 0 when done.

            """;

    /** No plugin source is this large; a bigger file is junk (and is not read into memory). */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private final ExternalAgentSettings settings;

    public ExternalAgentMutator(ExternalAgentSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "external-agent";
    }

    public ExternalAgentSettings settings() {
        return settings;
    }

    /** One run per node: a deterministic command given the same files would only repeat itself. */
    @Override
    public Proposals propose(MutationRequest request) {
        return new Proposals() {
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public Proposal next() {
                if (done) {
                    throw new NoSuchElementException("the external agent runs once per node");
                }
                done = true;
                return run(request);
            }
        };
    }

    private Proposal run(MutationRequest request) {
        Path root;
        try {
            Path base = settings.scratch().orElse(Path.of(System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            root = Files.createTempDirectory(base, "chrysalis-agent-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("external agent: cannot make a scratch folder: " + e.getMessage(), e);
        }
        try {
            Path work = Files.createDirectory(root.resolve("plugin"));
            Path home = Files.createDirectory(root.resolve("home"));
            Path prompt = root.resolve("prompt.md");
            for (var f : request.files().entrySet()) {
                Path p = work.resolve(f.getKey()).normalize();
                if (!p.startsWith(work)) {
                    throw new IllegalArgumentException("plugin file '" + f.getKey() + "' is outside the plugin folder");
                }
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
            Files.writeString(prompt, INSTRUCTIONS + RepairBrief.render(request, RepairBrief.Detail.FULL, PluginPaths::editable));
            AgentRun r = AgentRun.start(command(work, prompt), work, home, prompt, settings);
            String output = r.output();
            if (r.interrupted()) {
                return reject("interrupted after " + seconds(r.millis()) + "; the command and its children were killed" + tail(output));
            }
            if (r.timedOut()) {
                return reject("timed out after " + seconds(settings.timeout().toMillis()) + "; the command and its children were killed" + tail(output));
            }
            if (r.exitCode() != 0) {
                return reject("exited with status " + r.exitCode() + " after " + seconds(r.millis()) + tail(output));
            }
            Diff diff = diff(work, request.files());
            if (!diff.problems().isEmpty()) {
                return reject("changed what it may not: " + String.join("; ", diff.problems()) + tail(output));
            }
            if (diff.changed().isEmpty()) {
                return reject("exited 0 but changed no file" + tail(output));
            }
            return new Proposal.Rewrite(mutation(request.files(), diff.changed()),
                    "external-agent " + settings.command().getFirst() + " exited 0 after " + seconds(r.millis()) + "; output:\n" + output);
        } catch (IOException e) {
            throw new UncheckedIOException("external agent in " + root + ": " + e.getMessage(), e);
        } finally {
            deleteTree(root);
        }
    }

    private List<String> command(Path work, Path prompt) {
        return settings.command().stream().map(a -> a.replace("{prompt}", prompt.toString()).replace("{dir}", work.toString())).toList();
    }

    private Proposal reject(String reason) {
        return new Proposal.Rejected(name(), Operator.EXTERNAL_AGENT, reason);
    }

    private static String tail(String output) {
        String o = output.strip();
        return o.isEmpty() ? "; no output" : "; output:\n" + o;
    }

    private static String seconds(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }

    /** What the run changed: new or edited files (path inside the plugin -> text), and what it may not have done. */
    record Diff(Map<String, String> changed, List<String> problems) {
    }

    static Diff diff(Path work, Map<String, String> before) throws IOException {
        Map<String, String> changed = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted().toList()) {
                String rel = work.relativize(p).toString().replace('\\', '/');
                if (rel.isEmpty() || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    problems.add(rel + " is a symbolic link");
                    continue;
                }
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    problems.add(rel + " is not a regular file");
                    continue;
                }
                seen.add(rel);
                if (Files.size(p) > MAX_FILE_BYTES) {
                    problems.add(rel + " is larger than " + MAX_FILE_BYTES / 1024 + " KiB");
                    continue;
                }
                byte[] bytes = Files.readAllBytes(p);
                String old = before.get(rel);
                if (old != null && ByteBuffer.wrap(old.getBytes(StandardCharsets.UTF_8)).equals(ByteBuffer.wrap(bytes))) {
                    continue;
                }
                String what = old == null ? "added " : "changed ";
                if (!PluginPaths.editable(rel)) {
                    problems.add(what + rel + " (only Java sources under " + PluginPaths.SOURCE_ROOT + " may change)");
                    continue;
                }
                String text = text(bytes);
                if (text == null) {
                    problems.add(what + rel + " is not UTF-8 text");
                    continue;
                }
                changed.put(rel, text);
            }
        }
        before.keySet().stream().filter(f -> !seen.contains(f)).sorted().forEach(f -> problems.add("deleted " + f));
        return new Diff(changed, problems);
    }

    private static String text(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private Mutation mutation(Map<String, String> before, Map<String, String> changed) {
        Map<String, String> rest = new LinkedHashMap<>(changed);
        String first = changed.keySet().stream().filter(before::containsKey).findFirst().orElse(changed.keySet().iterator().next());
        String text = rest.remove(first);
        String original = before.getOrDefault(first, "");
        int line = firstDifferentLine(original, text);
        String type = first.substring(first.lastIndexOf('/') + 1, first.length() - ".java".length());
        String method = original.isEmpty() ? type + ".?" : SourceRegions.methodAt(original, line).orElse(type + ".?");
        String program = Path.of(settings.command().getFirst()).getFileName().toString();
        String names = String.join(", ", changed.keySet().stream().map(f -> f.substring(f.lastIndexOf('/') + 1)).toList());
        return new Mutation(Operator.EXTERNAL_AGENT, first, method, line, program + " changed " + names, text, rest);
    }

    private static int firstDifferentLine(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        int i = 0;
        while (i < x.length && i < y.length && x[i].equals(y[i])) {
            i++;
        }
        return i + 1;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.getLogger(ExternalAgentMutator.class.getName()).log(System.Logger.Level.WARNING,
                    "external agent scratch " + root + " not fully removed: " + e.getMessage());
        }
    }

    /** One run of the command: scrubbed environment, prompt on stdin, output bounded, killed at the timeout. */
    record AgentRun(int exitCode, boolean timedOut, boolean interrupted, long millis, String output) {

        static AgentRun start(List<String> argv, Path work, Path home, Path prompt, ExternalAgentSettings settings) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true)
                    .redirectInput(prompt.toFile());
            Map<String, String> env = pb.environment();
            String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.clear();
            env.put("PATH", path);
            env.put("HOME", home.toString());
            env.put("LANG", "C.UTF-8");
            long t0 = System.nanoTime();
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                return new AgentRun(-1, false, false, 0, "cannot start " + argv.getFirst() + ": " + e.getMessage());
            }
            BoundedOutput out = new BoundedOutput(settings.maxOutputBytes());
            Thread reader = Thread.ofVirtual().name("external-agent-output").start(() -> out.drain(process.getInputStream()));
            Set<ProcessHandle> family = new LinkedHashSet<>();
            long deadline = t0 + settings.timeout().toNanos();
            boolean finished = false;
            boolean interrupted = false;
            try {
                while (!finished && System.nanoTime() < deadline) {
                    process.descendants().forEach(family::add);
                    finished = process.waitFor(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            // children that outlived the command (or a command that ran out of time) are killed with it
            process.descendants().forEach(family::add);
            family.forEach(ProcessHandle::destroyForcibly);
            if (!finished) {
                process.destroyForcibly();
            }
            try {
                process.waitFor(5, TimeUnit.SECONDS);
                reader.join(5_000);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt(); // the loop sees it and ends the run as interrupted
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            return new AgentRun(finished ? process.exitValue() : -1, !finished && !interrupted, interrupted, millis, out.text());
        }
    }

    /** Keeps the first and the last half of a stream's bytes and counts what it drops between. */
    static final class BoundedOutput {
        private final int half;
        private final byte[] head;
        private final byte[] tail;
        private int headLength;
        private long tailWritten;
        private long total;

        BoundedOutput(int max) {
            this.half = max / 2;
            this.head = new byte[half];
            this.tail = new byte[half];
        }

        void drain(InputStream in) {
            byte[] buf = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    add(buf, n);
                }
            } catch (IOException e) {
                // the process was killed: what was read is what there is
            }
        }

        synchronized void add(byte[] buf, int n) {
            for (int i = 0; i < n; i++) {
                total++;
                if (headLength < half) {
                    head[headLength++] = buf[i];
                } else {
                    tail[(int) (tailWritten++ % half)] = buf[i];
                }
            }
        }

        synchronized String text() {
            StringBuilder sb = new StringBuilder(new String(head, 0, headLength, StandardCharsets.UTF_8));
            long kept = Math.min(tailWritten, half);
            long dropped = total - headLength - kept;
            if (dropped > 0) {
                sb.append("\n[... ").append(dropped).append(" bytes of output omitted ...]\n");
            }
            byte[] t = new byte[(int) kept];
            for (int i = 0; i < kept; i++) {
                t[i] = tail[(int) ((tailWritten - kept + i) % half)];
            }
            return sb.append(new String(t, StandardCharsets.UTF_8)).toString();
        }
    }
}
