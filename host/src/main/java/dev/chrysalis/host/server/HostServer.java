package dev.chrysalis.host.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.directory.DirectorySource;
import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.promotion.PromotionController;
import dev.chrysalis.governance.promotion.PromotionPlan;
import dev.chrysalis.governance.promotion.RecoveryOutcome;
import dev.chrysalis.governance.promotion.StepListener;
import dev.chrysalis.governance.web.GovernanceWeb;
import dev.chrysalis.host.shell.HostControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The host's HTTP server (JDK {@link HttpServer}, one virtual thread per exchange):
 * <ul>
 *   <li>{@code /governance/...}: governance's web UI and JSON API ({@link GovernanceWeb}: sign-in, candidates,
 *       approvals, promotions, audit, history); an approval starts the promotion, whose swap goes through
 *       {@link RuntimeLiveSwitch} into this host's plugin runtime;</li>
 *   <li>{@code /directory?q=...}: the plugin directory's search page over the configured index;</li>
 *   <li>{@code /}: a redirect to {@code /governance/}.</li>
 * </ul>
 * At start it runs {@link PromotionController#recover()} before serving anything, and then ticks the
 * promotions (probation windows) every few seconds. The caller owns the host and governance it is given.
 */
public final class HostServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HostServer.class.getName());

    /**
     * The promotion plan when the server cannot count on agent traffic: the shadow and canary stages need no calls
     * (nothing may call in time), so an approved candidate is swapped in at once; it then stays in probation for
     * {@code probation} (a person may abort it there), and every skill call that does arrive meanwhile (MCP, the
     * OpenAI-compatible endpoint, agent sessions on this runtime) is observed through the runtime's traffic tap, so
     * a candidate whose calls fail the rate or risk gates is rolled back automatically. The limits are the standard ones.
     */
    public static PromotionPlan planWithoutTraffic(Duration probation) {
        PromotionPlan s = PromotionPlan.standard();
        return new PromotionPlan(0, s.maxShadowMismatch(), s.canaryPercent(), 0, 0, probation, s.minCallsForGate(),
                s.maxErrorRate(), s.maxEvidenceRate(), s.maxSessionRisk(), s.riskDecay());
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService ticker;
    private final HttpClient http;
    private final PromotionController promotions;
    private final List<RecoveryOutcome> recovered;

    private HostServer(HttpServer server, ExecutorService executor, ScheduledExecutorService ticker, HttpClient http,
                       PromotionController promotions, List<RecoveryOutcome> recovered) {
        this.server = server;
        this.executor = executor;
        this.ticker = ticker;
        this.http = http;
        this.promotions = promotions;
        this.recovered = List.copyOf(recovered);
    }

    /**
     * Recovers interrupted promotions, then listens on {@code address} (port 0: any free port).
     *
     * @param directoryIndex the directory index the {@code /directory} page shows (folder, .json file or URL)
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static HostServer start(HostControl host, Governance governance, InetSocketAddress address, String directoryIndex,
                                   PromotionPlan plan, Clock clock) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(governance, "governance");
        RuntimeLiveSwitch live = new RuntimeLiveSwitch(host.plugins(), List.of(governance.database().home().resolve("artifacts")));
        PromotionController promotions = governance.promotions(plan, live, host.plugins().trafficTap(), StepListener.NONE);
        host.plugins().onGuardDenial(denial -> governance.audit().append("capability-guard", "guard.denied",
                denial.plugin() + "@" + denial.digest(), denial.describe()));
        List<RecoveryOutcome> recovered = promotions.recover();
        GovernanceWeb web = new GovernanceWeb(governance.accounts(), governance.approvals(), governance.audit(),
                promotions::statuses,
                (submission, approval) -> promotions.start(submission.plugin(), submission.artifact(), approval.approver()),
                new EvidenceFailureHistory(host.evidence(), 10_000), clock, new SecureRandom(), false);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            http.close();
            throw new UncheckedIOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        web.mount(server, "/governance");
        server.createContext("/directory", new DirectoryPageHandler(DirectorySource.of(directoryIndex, http)));
        server.createContext("/", HostServer::root);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().daemon().name("chrysalis-promotion-ticker").unstarted(task));
        ticker.scheduleWithFixedDelay(() -> {
            try {
                promotions.tick();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "promotion tick failed: " + e.getMessage(), e);
            }
        }, 5, 5, TimeUnit.SECONDS);
        server.start();
        return new HostServer(server, executor, ticker, http, promotions, recovered);
    }

    private static void root(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestURI().getPath().equals("/")) {
                ex.getResponseHeaders().set("Location", "/governance/");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            byte[] body = ("not found: " + ex.getRequestURI().getPath() + " (try /governance/ or /directory)\n")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
        }
    }

    /** {@code http://host:port/}, with the port actually bound. */
    /** Adds more routes (e.g. the OpenAI-compatible endpoint, MCP) to the running server. */
    public void mount(java.util.function.Consumer<HttpServer> routes) {
        routes.accept(server);
    }

    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "localhost" : a.getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public PromotionController promotions() {
        return promotions;
    }

    /** What start-up recovery did to interrupted promotions. */
    public List<RecoveryOutcome> recovered() {
        return recovered;
    }

    /** Stops listening (exchanges in progress get a second to finish) and the promotion ticker. */
    @Override
    public void close() {
        ticker.shutdownNow();
        server.stop(1);
        executor.close();
        http.close();
    }
}
