package dev.chrysalis.governance.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A JDK HTTP server on virtual threads serving only the governance UI (the host normally mounts it on its own server). */
public final class GovernanceWebServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private GovernanceWebServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static GovernanceWebServer start(InetSocketAddress address, GovernanceWeb web, String prefix) {
        try {
            HttpServer server = HttpServer.create(address, 0);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            web.mount(server, prefix);
            server.start();
            return new GovernanceWebServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
