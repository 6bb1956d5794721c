package dev.chrysalis.sandbox.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.guard.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The parent's handle on one trial worker process: sends JSON-line requests, reads replies and guard
 * reports, enforces the wall-clock and CPU limits of each request and kills the process on any breach.
 * A worker serves at most one candidate.
 */
public final class Worker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(20);

    private final Process process;
    private final Path directory;
    private final OutputStream requests;
    private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final StderrTail stderr;
    private volatile Duration startup = Duration.ZERO;
    private String candidate = "";

    private Worker(Process process, Path directory, StderrTail stderr) {
        this.process = process;
        this.directory = directory;
        this.requests = process.getOutputStream();
        this.stderr = stderr;
    }

    static Worker start(ProcessBuilder builder, Path directory, long maxLineBytes, Duration startTimeout)
            throws IOException, WorkerStartException {
        long t0 = System.nanoTime();
        Process process = builder.start();
        StderrTail stderr = new StderrTail(process.getErrorStream(), 16 * 1024);
        Thread.ofPlatform().daemon().name("worker-" + process.pid() + "-stderr").start(stderr);
        Worker worker = new Worker(process, directory, stderr);
        Thread.ofPlatform().daemon().name("worker-" + process.pid() + "-stdout")
                .start(() -> worker.readMessages(process.getInputStream(), maxLineBytes));
        WorkerReply ready = worker.await(startTimeout, Duration.ofDays(1), "ready");
        if (!(ready instanceof WorkerReply.Answer)) {
            worker.close();
            throw new WorkerStartException("worker did not start: " + ready + "\n" + stderr.text());
        }
        worker.startup = Duration.ofNanos(System.nanoTime() - t0);
        return worker;
    }

    public long pid() {
        return process.pid();
    }

    /** From process start until the worker reported ready. */
    public Duration startup() {
        return startup;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Loads the candidate bundle; a worker accepts exactly one candidate in its life. */
    public WorkerReply load(Path candidateJar, String digest, Duration timeout, Duration cpuLimit) throws IOException {
        if (!candidate.isEmpty()) {
            throw new IllegalStateException("worker " + pid() + " already ran candidate " + candidate
                    + "; it cannot run " + digest);
        }
        candidate = digest;
        send(JSON.createObjectNode().put("op", "load").put("jar", candidateJar.toAbsolutePath().toString())
                .put("timeoutMillis", timeout.toMillis()));
        return await(timeout.plusSeconds(2), cpuLimit, "loaded", "load-failed");
    }

    /**
     * Starts the shipped plugins turn cases run with (once per worker; the candidate must be loaded); the reply
     * is a {@code prepared} or {@code prepare-failed} message unless a limit was hit.
     */
    public WorkerReply prepareTurns(Duration timeout, Duration cpuLimit) throws IOException {
        if (candidate.isEmpty()) {
            throw new IllegalStateException("worker " + pid() + " has no candidate loaded");
        }
        send(JSON.createObjectNode().put("op", "prepare-turns"));
        return await(timeout, cpuLimit, "prepared", "prepare-failed");
    }

    /** Replays one case (its JSON line); the reply is a {@code result} message unless a limit was hit. */
    public WorkerReply run(long seq, String caseJsonLine, Duration timeout, Duration cpuLimit) throws IOException {
        if (candidate.isEmpty()) {
            throw new IllegalStateException("worker " + pid() + " has no candidate loaded");
        }
        send(JSON.createObjectNode().put("op", "run").put("seq", seq).put("case", caseJsonLine));
        return await(timeout, cpuLimit, "result");
    }

    private void send(ObjectNode request) throws IOException {
        requests.write((request.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        requests.flush();
    }

    private WorkerReply await(Duration timeout, Duration cpuLimit, String... answerTypes) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Duration cpuAtStart = cpu();
        try {
            while (true) {
                JsonNode m = messages.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (m != null) {
                    String type = m.path("type").asText();
                    if (type.equals("violation")) {
                        kill();
                        return new WorkerReply.Violated(new Violation(Rule.parse(m.path("rule").asText()),
                                m.path("target").asText(), m.path("entry").asText(), m.path("where").asText()));
                    }
                    if (type.equals("eof") || type.equals("oversized")) {
                        return died(type.equals("oversized") ? m.path("detail").asText() : "");
                    }
                    for (String t : answerTypes) {
                        if (t.equals(type)) {
                            return new WorkerReply.Answer(m, Duration.ofNanos(System.nanoTime() - start));
                        }
                    }
                    continue; // a stray message (e.g. "failed" for a garbled request) does not end the wait
                }
                if (System.nanoTime() > deadline) {
                    kill();
                    return new WorkerReply.TimedOut(WorkerReply.Limit.WALL_CLOCK, timeout);
                }
                if (cpu().minus(cpuAtStart).compareTo(cpuLimit) > 0) {
                    kill();
                    return new WorkerReply.TimedOut(WorkerReply.Limit.CPU, cpuLimit);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return new WorkerReply.Died(-1, false, "interrupted while waiting for the worker");
        }
    }

    private WorkerReply died(String detail) {
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        int exit = process.isAlive() ? -1 : process.exitValue();
        String tail = stderr.text();
        boolean oom = tail.contains("java.lang.OutOfMemoryError") || exit == 3;
        if (!detail.isEmpty()) {
            return new WorkerReply.Violated(new Violation(Rule.OUTPUT_LIMIT, detail, "worker stdout", "worker " + pid()));
        }
        return new WorkerReply.Died(exit, oom, tail);
    }

    private Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** CPU time the worker process has used since it started (its boot included); zero once it has ended. */
    public Duration cpuTime() {
        return cpu();
    }

    private void readMessages(InputStream in, long maxLineBytes) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    if (line.size() >= maxLineBytes) {
                        messages.add(JSON.createObjectNode().put("type", "oversized")
                                .put("detail", "a message of more than " + maxLineBytes + " bytes"));
                        kill();
                        return;
                    }
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                try {
                    messages.add(JSON.readTree(text));
                } catch (IOException e) {
                    System.getLogger(Worker.class.getName()).log(System.Logger.Level.WARNING,
                            "worker " + process.pid() + " wrote a line that is not JSON: " + text);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        messages.add(JSON.createObjectNode().put("type", "eof"));
    }

    public String stderrTail() {
        return stderr.text();
    }

    private void kill() {
        process.destroyForcibly();
    }

    /**
     * Ends the worker at once (SIGKILL) and deletes its folder. No clean stop: a worker serves one candidate and keeps
     * nothing, and stopping its framework (deactivating the candidate's components) took up to the 200 ms it was
     * given, on the path from every trial to its verdict.
     */
    @Override
    public void close() {
        kill();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(directory);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.getLogger(Worker.class.getName()).log(System.Logger.Level.WARNING, "cannot delete " + dir + ": " + e);
        }
    }

    Optional<Path> directory() {
        return Optional.of(directory);
    }
}
