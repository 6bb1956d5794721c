package dev.chrysalis.sandbox.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.guard.Gate;
import dev.chrysalis.sandbox.guard.Guard;
import dev.chrysalis.sandbox.guard.GuardConfig;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Entry point of a trial worker (a child JVM started with the guard agent). Starts its own Felix with the
 * runtime bundles, reports {@code ready}, then serves {@code load} (one candidate, once), {@code prepare-turns}
 * (start the shipped plugins turn cases need) and {@code run} (one case) requests from standard input until
 * end of input; the host ends a worker by killing it (a worker serves one candidate and keeps nothing).
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        if (args.length != 1) {
            System.err.println("usage: WorkerMain <worker.json>");
            System.exit(64);
        }
        try {
            serve(args[0], started);
        } catch (Throwable e) {
            // Felix's threads are not daemons: a worker whose main thread died (e.g. the parent went away while
            // it booted, so "ready" hit a closed pipe) would otherwise live on as an orphan holding its folder.
            e.printStackTrace(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
            Runtime.getRuntime().halt(70);
        }
    }

    private static void serve(String configFile, long started) throws Exception {
        // The real stdout is the protocol channel; nothing else may write to it.
        Protocol protocol = new Protocol(new FileOutputStream(FileDescriptor.out));
        BufferedReader requests = new BufferedReader(
                new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        WorkerConfig config = WorkerConfig.read(Path.of(configFile));

        AtomicLong written = new AtomicLong();
        AtomicBoolean outputReported = new AtomicBoolean();
        FileOutputStream realErr = new FileOutputStream(FileDescriptor.err);
        PrintStream capped = new PrintStream(new CappedOutputStream(realErr, config.maxOutputBytes(), written,
                outputReported, protocol::violation), true, StandardCharsets.UTF_8);
        System.setOut(capped);
        System.setErr(capped);

        List<Path> readRoots = new ArrayList<>(config.readRoots());
        readRoots.add(config.frameworkCache());
        readRoots.add(Path.of(System.getProperty("java.home")));
        Guard guard = new Guard(GuardConfig.standard(config.scratch(), readRoots, config.threadCap()), protocol::violation);
        Gate.install(guard);

        EmbeddedFramework framework = EmbeddedFramework.start(config);
        CaseRunner runner = new CaseRunner(config, framework, guard, protocol);
        protocol.send(protocol.message("ready").put("startupMillis", (System.nanoTime() - started) / 1_000_000));

        String line;
        while ((line = requests.readLine()) != null) {
            JsonNode request;
            try {
                request = Protocol.JSON.readTree(line);
            } catch (IOException e) {
                protocol.send(protocol.message("failed").put("message", "request is not JSON: " + e.getMessage()));
                continue;
            }
            String op = request.path("op").asText();
            switch (op) {
                case "load" -> protocol.send(runner.load(Path.of(request.path("jar").asText()),
                        request.path("timeoutMillis").asLong(5000)));
                case "prepare-turns" -> protocol.send(runner.prepareTurns());
                case "run" -> protocol.send(runner.run(request.path("seq").asLong(), request.path("case").asText()));
                default -> {
                    ObjectNode failed = protocol.message("failed").put("message", "unknown op '" + op + "'");
                    protocol.send(failed);
                }
            }
        }
        Runtime.getRuntime().halt(0);
    }
}
