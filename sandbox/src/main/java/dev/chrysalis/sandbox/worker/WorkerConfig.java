package dev.chrysalis.sandbox.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a worker is told at start (written by the parent as {@code worker.json} in the worker's directory,
 * outside its scratch directory).
 *
 * @param scratch        the only directory the candidate may write to; one sub-directory per case
 * @param frameworkCache the embedded framework's storage
 * @param bundles        the framework bundles to install and start (the SPI, Jackson, SCR...)
 * @param readRoots      directories the candidate may read besides scratch (runtime jars, JDK, cache)
 * @param threadCap      live threads the candidate may have started at once
 * @param maxOutputBytes the most the candidate may write to stdout/stderr, and the largest output it may return
 * @param caseStackBytes the stack size of the thread that runs each case
 * @param fileSizeLimit  the OS file-size limit the worker runs under (RLIMIT_FSIZE), 0 when none
 * @param openFilesLimit the OS open-files limit the worker runs under (RLIMIT_NOFILE), 0 when none
 * @param plugins        the shipped plugin bundles turn cases run with (installed on the first turn case)
 */
public record WorkerConfig(Path scratch, Path frameworkCache, List<Path> bundles, List<Path> readRoots,
                           int threadCap, long maxOutputBytes, long caseStackBytes, long fileSizeLimit,
                           int openFilesLimit, List<Path> plugins) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public WorkerConfig {
        Objects.requireNonNull(scratch, "scratch");
        Objects.requireNonNull(frameworkCache, "frameworkCache");
        bundles = List.copyOf(bundles);
        readRoots = List.copyOf(readRoots);
        plugins = List.copyOf(plugins);
    }

    public void write(Path file) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("scratch", scratch.toString());
        o.put("frameworkCache", frameworkCache.toString());
        bundles.forEach(b -> o.withArray("bundles").add(b.toString()));
        readRoots.forEach(r -> o.withArray("readRoots").add(r.toString()));
        o.put("threadCap", threadCap);
        o.put("maxOutputBytes", maxOutputBytes);
        o.put("caseStackBytes", caseStackBytes);
        o.put("fileSizeLimit", fileSizeLimit);
        o.put("openFilesLimit", openFilesLimit);
        plugins.forEach(p -> o.withArray("plugins").add(p.toString()));
        Files.writeString(file, o.toString());
    }

    public static WorkerConfig read(Path file) throws IOException {
        JsonNode o = JSON.readTree(file.toFile());
        return new WorkerConfig(Path.of(o.path("scratch").asText()), Path.of(o.path("frameworkCache").asText()),
                paths(o.path("bundles")), paths(o.path("readRoots")), o.path("threadCap").asInt(),
                o.path("maxOutputBytes").asLong(), o.path("caseStackBytes").asLong(), o.path("fileSizeLimit").asLong(),
                o.path("openFilesLimit").asInt(), paths(o.path("plugins")));
    }

    private static List<Path> paths(JsonNode array) {
        List<Path> out = new ArrayList<>();
        array.forEach(n -> out.add(Path.of(n.asText())));
        return out;
    }
}
