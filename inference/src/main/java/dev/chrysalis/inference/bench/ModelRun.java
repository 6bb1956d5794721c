package dev.chrysalis.inference.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bench's side of one {@link ModelProbe}: starts the child JVM on a model, which loads it and warms up, then asks
 * it for measured rounds, the prefix-cache report and its memory, one line each. The child's standard error (the
 * engine's log, a load error) goes to a temporary file, whose last lines an error reports.
 */
final class ModelRun implements AutoCloseable {

    /** One measured generation: its speeds and the heap bytes all threads allocated a decode step (-1: unknown). */
    record Round(InferenceBench.Speed speed, long decodeBytesPerStep) {
    }

    /**
     * What the child reports once the model is loaded: the weight (and, on a GPU, KV-cache) bytes a decode step reads,
     * the FLOPs a token's products take (those in 16-bit integers apart), the KV cache's size, the GPU's ordinal (-1 on
     * the CPU), the vocabulary's size (the bench's prompts are drawn from it) and the engine's description.
     */
    record Loaded(long bytesPerToken, long flopsPerToken, long integerFlopsPerToken, long kvBytes, int gpuOrdinal, int vocab,
                  String description) {
    }

    private final Path model;
    private final Process process;
    private final Path log;
    private final BufferedReader replies;
    private final Writer requests;
    private final Loaded loaded;

    private ModelRun(Path model, Process process, Path log) throws IOException {
        this.model = model;
        this.process = process;
        this.log = log;
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String[] l = reply("loaded").split(" ", 7);
        if (l.length < 6) {
            throw failed("answered 'loaded " + String.join(" ", l) + "'");
        }
        this.loaded = new Loaded(Long.parseLong(l[0]), Long.parseLong(l[1]), Long.parseLong(l[2]), Long.parseLong(l[3]),
                Integer.parseInt(l[4]), Integer.parseInt(l[5]), l.length > 6 ? l[6] : "");
    }

    /** Starts the child on {@code model} with the bench's options and waits until it has loaded and warmed up. */
    static ModelRun start(Path model, InferenceBench.Options o) throws IOException {
        ProcessBuilder pb = InferenceBench.childJvm(ModelProbe.class, model.toString(), Integer.toString(o.threads()),
                Integer.toString(o.promptTokens()), Integer.toString(o.genTokens()), Integer.toString(o.runs()),
                o.device().name().toLowerCase(java.util.Locale.ROOT));
        Path log = Files.createTempFile("chrysalis-bench-", ".log");
        pb.redirectError(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw e;
        }
        try {
            return new ModelRun(model, p, log);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            Files.deleteIfExists(log);
            throw e;
        }
    }

    Loaded loaded() {
        return loaded;
    }

    long pid() {
        return process.pid();
    }

    /** One measured round in the child. */
    Round round() throws IOException {
        String[] r = request("round").split(" ");
        if (r.length != 3) {
            throw failed("answered 'round " + String.join(" ", r) + "'");
        }
        return new Round(new InferenceBench.Speed(Double.parseDouble(r[0]), Double.parseDouble(r[1])), Long.parseLong(r[2]));
    }

    /** Sends {@code what} and returns the child's reply to it, without the leading word. */
    String request(String what) throws IOException {
        requests.write(what + "\n");
        requests.flush();
        return reply(what);
    }

    private String reply(String expected) throws IOException {
        String line = replies.readLine();
        if (line == null) {
            throw failed("ended before answering '" + expected + "'");
        }
        if (!line.startsWith(expected + " ")) {
            throw failed("answered '" + line + "' to '" + expected + "'");
        }
        return line.substring(expected.length() + 1);
    }

    private IOException failed(String what) {
        String exit = "";
        try {
            // an exit status only once the child has ended (its output closed): one still running waits for input
            if (!process.isAlive() || what.startsWith("ended") && process.waitFor(5, TimeUnit.SECONDS)) {
                exit = " (exit " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new IOException("the engine's run of " + model.getFileName() + " (" + ModelProbe.class.getSimpleName()
                + " in a child JVM) " + what + exit + lastLines());
    }

    /** The last lines the child wrote to its standard error, without the JVM's note on incubator modules. */
    private String lastLines() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.contains("Using incubator modules")).toList();
            return lines.isEmpty() ? "" : ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Ends the child's input, so it closes the engine and exits; kills it if it does not within 30 s. */
    @Override
    public void close() {
        try {
            requests.close();
        } catch (IOException e) {
            // the child is gone already
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file left behind
        }
    }
}
