package dev.chrysalis.governance.web;

import static dev.chrysalis.governance.web.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.chrysalis.governance.approval.Accounts;
import dev.chrysalis.governance.approval.Approval;
import dev.chrysalis.governance.approval.ApprovalRefusedException;
import dev.chrysalis.governance.approval.ApprovalService;
import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.approval.Principal;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.audit.AuditEntry;
import dev.chrysalis.governance.audit.AuditLog;
import dev.chrysalis.governance.audit.AuditVerification;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.governance.promotion.PromotionStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The approval web UI and its JSON API, as handlers for a JDK {@link HttpServer} the host owns (mounted under a
 * prefix such as {@code /governance}). Server-rendered pages with no scripts: sign-in, pending candidates with
 * their diff, approve / reject, promotion status with gate values, the audit log with its verification. Every
 * page and API call needs a signed-in session (pages) or a session or API token (API); every state change
 * with a session needs its CSRF token; cookies are HttpOnly and SameSite=Strict; all data is escaped, and the
 * Content-Security-Policy allows no scripts at all.
 */
public final class GovernanceWeb {
    private static final System.Logger LOG = System.getLogger(GovernanceWeb.class.getName());
    private static final int MAX_BODY = 64 * 1024;
    static final String SESSION_COOKIE = "chrysalis_session";
    static final String LOGIN_COOKIE = "chrysalis_login";
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    /** Called after a person approved a candidate through the UI or API (the host starts its promotion). */
    @FunctionalInterface
    public interface ApprovalListener {
        ApprovalListener NONE = (s, a) -> { };

        void approved(Submission submission, Approval approval);
    }

    private final Accounts accounts;
    private final ApprovalService approvals;
    private final AuditLog audit;
    private final Supplier<List<PromotionStatus>> promotions;
    private final ApprovalListener onApproved;
    private final FailureHistory history;
    private final Clock clock;
    private final WebSessions sessions;
    private final SignInThrottle throttle;
    private final boolean secureCookies;
    private final ObjectMapper json = new ObjectMapper();
    private final List<RouteEntry> routes = new ArrayList<>();
    private String prefix = "";

    public GovernanceWeb(Accounts accounts, ApprovalService approvals, AuditLog audit, Supplier<List<PromotionStatus>> promotions,
                         ApprovalListener onApproved, FailureHistory history, Clock clock, SecureRandom random, boolean secureCookies) {
        this.history = history;
        this.clock = clock;
        this.accounts = accounts;
        this.approvals = approvals;
        this.audit = audit;
        this.promotions = promotions;
        this.onApproved = onApproved;
        this.sessions = new WebSessions(random, clock, Duration.ofHours(8));
        this.throttle = new SignInThrottle(clock, 5, Duration.ofMinutes(10));
        this.secureCookies = secureCookies;
        get("/", this::home);
        get("/candidates", this::candidatesPage);
        get("/candidates/(\\d+)", this::candidatePage);
        post("/candidates/(\\d+)/approve", r -> decidePage(r, true));
        post("/candidates/(\\d+)/reject", r -> decidePage(r, false));
        get("/promotions", this::promotionsPage);
        get("/audit", this::auditPage);
        get("/history", this::historyPage);
        get("/api/history", this::apiHistory);
        post("/logout", this::logout);
        get("/api/me", this::apiMe);
        get("/api/candidates", this::apiCandidates);
        get("/api/candidates/(\\d+)", this::apiCandidate);
        post("/api/candidates/(\\d+)/approve", r -> apiDecide(r, true));
        post("/api/candidates/(\\d+)/reject", r -> apiDecide(r, false));
        get("/api/promotions", this::apiPromotions);
        get("/api/audit", this::apiAudit);
    }

    /** Registers the UI on {@code server} under {@code prefix} ({@code ""} for the root, or e.g. {@code /governance}). */
    public void mount(HttpServer server, String prefix) {
        if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
            throw new IllegalArgumentException("prefix must be empty or like /governance, got '" + prefix + "'");
        }
        this.prefix = prefix;
        server.createContext(prefix.isEmpty() ? "/" : prefix, this::handle);
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Handler {
        Response handle(Request r) throws IOException;
    }

    private record RouteEntry(String method, Pattern path, Handler handler) {
    }

    private void get(String path, Handler h) {
        routes.add(new RouteEntry("GET", Pattern.compile(path), h));
    }

    private void post(String path, Handler h) {
        routes.add(new RouteEntry("POST", Pattern.compile(path), h));
    }

    /** One request, with its caller and (for sessions) CSRF token. */
    private record Request(HttpExchange ex, String path, Matcher match, Principal principal, Optional<WebSessions.Session> session,
                           Map<String, String> form, Map<String, String> query) {
        String group(int i) {
            return match.group(i);
        }

        String csrf() {
            return session.map(WebSessions.Session::csrf).orElse("");
        }
    }

    private record Response(int status, String contentType, byte[] body, Map<String, List<String>> headers) {
        static Response html(int status, String html) {
            return new Response(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Response redirect(String location, List<String> cookies) {
            return new Response(303, "text/plain; charset=utf-8", new byte[0],
                    Map.of("Location", List.of(location), "Set-Cookie", cookies));
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Response response;
            try {
                response = route(ex);
            } catch (BadRequest e) {
                response = isApi(ex) ? jsonError(400, e.getMessage()) : Response.html(400, Html.page(prefix, "Bad request", "", "",
                        "<p class=\"error\">" + esc(e.getMessage()) + "</p>"));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "governance web: " + ex.getRequestMethod() + " " + ex.getRequestURI() + " failed", e);
                response = isApi(ex) ? jsonError(500, "internal error: " + e.getMessage())
                        : Response.html(500, Html.page(prefix, "Error", "", "", "<p class=\"error\">" + esc(String.valueOf(e.getMessage())) + "</p>"));
            }
            var h = ex.getResponseHeaders();
            h.set("Content-Type", response.contentType());
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Cache-Control", "no-store");
            response.headers().forEach((k, v) -> v.forEach(value -> h.add(k, value)));
            ex.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                ex.getResponseBody().write(response.body());
            }
        }
    }

    private boolean isApi(HttpExchange ex) {
        return relative(ex).startsWith("/api/");
    }

    private String relative(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        String rel = path.length() >= prefix.length() ? path.substring(prefix.length()) : path;
        return rel.isEmpty() ? "/" : rel;
    }

    private Response route(HttpExchange ex) throws IOException {
        String path = relative(ex);
        String method = ex.getRequestMethod();
        if (path.equals("/static/governance.css") && method.equals("GET")) {
            return css();
        }
        if (path.equals("/login")) {
            return switch (method) {
                case "GET" -> loginPage(ex, "", 200);
                case "POST" -> login(ex);
                default -> Response.html(405, "method not allowed");
            };
        }
        boolean api = path.startsWith("/api/");
        Map<String, String> cookies = cookies(ex);
        Optional<WebSessions.Session> session = Optional.ofNullable(cookies.get(SESSION_COOKIE)).flatMap(sessions::find);
        Optional<Principal> principal = session.map(WebSessions.Session::principal);
        boolean byToken = false;
        if (principal.isEmpty() && api) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null && auth.startsWith("Bearer ")) {
                principal = accounts.authenticateToken(auth.substring(7).strip());
                byToken = principal.isPresent();
            }
        }
        if (principal.isEmpty()) {
            return api ? jsonError(401, "sign in or send an API token (Authorization: Bearer ...)")
                    : Response.redirect(prefix + "/login", List.of());
        }
        Map<String, String> form = Map.of();
        if (method.equals("POST")) {
            String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
            String body = readBody(ex);
            form = type.startsWith("application/x-www-form-urlencoded") ? parseForm(body) : Map.of("_body", body);
            if (!byToken) {
                String token = form.getOrDefault("csrf", ex.getRequestHeaders().getFirst("X-CSRF-Token"));
                if (!WebSessions.sameToken(token, session.orElseThrow().csrf())) {
                    audit.append(principal.get().name(), "web.csrf-refused", method + " " + path, "missing or wrong CSRF token");
                    return api ? jsonError(403, "missing or wrong CSRF token (send X-CSRF-Token)")
                            : Response.html(403, Html.page(prefix, "Refused", principal.get().name(), session.get().csrf(),
                            "<p class=\"error\" id=\"error\">The form's security token is missing or wrong. Reload the page and try again.</p>"));
                }
            }
        }
        for (RouteEntry r : routes) {
            Matcher m = r.path().matcher(path);
            if (m.matches()) {
                if (!r.method().equals(method)) {
                    continue;
                }
                return r.handler().handle(new Request(ex, path, m, principal.get(), session, form, parseForm(
                        Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse(""))));
            }
        }
        return api ? jsonError(404, "no such API route: " + method + " " + path)
                : Response.html(404, Html.page(prefix, "Not found", principal.get().name(), session.map(WebSessions.Session::csrf).orElse(""),
                "<p>Nothing here.</p>"));
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private static String readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new BadRequest("request body larger than " + MAX_BODY + " bytes");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> out = new HashMap<>();
        if (body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("malformed form field '" + pair + "'");
            }
        }
        return out;
    }

    private static Map<String, String> cookies(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    out.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
                }
            }
        }
        return out;
    }

    private String cookie(String name, String value, boolean expire) {
        return name + "=" + value + "; Path=" + (prefix.isEmpty() ? "/" : prefix) + "; HttpOnly; SameSite=Strict"
                + (secureCookies ? "; Secure" : "") + (expire ? "; Max-Age=0" : "");
    }

    private Response css() throws IOException {
        try (InputStream in = GovernanceWeb.class.getResourceAsStream("governance.css")) {
            if (in == null) {
                return Response.html(404, "missing stylesheet");
            }
            return new Response(200, "text/css; charset=utf-8", in.readAllBytes(), Map.of());
        }
    }

    // ------------------------------------------------------------------------------------------------ sign-in

    private Response loginPage(HttpExchange ex, String error, int status) {
        String token = sessions.token();
        String body = (error.isEmpty() ? "" : "<p class=\"error\" id=\"error\">" + esc(error) + "</p>") + """
                <form method="post" action="%s/login" id="login">
                <input type="hidden" name="csrf" value="%s">
                <label>User <input name="user" id="user" autocomplete="username" required></label>
                <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
                <button type="submit" id="sign-in">Sign in</button></form>
                """.formatted(esc(prefix), esc(token));
        return new Response(status, "text/html; charset=utf-8", Html.page(prefix, "Sign in", "", "", body).getBytes(StandardCharsets.UTF_8),
                Map.of("Set-Cookie", List.of(cookie(LOGIN_COOKIE, token, false))));
    }

    private Response login(HttpExchange ex) throws IOException {
        Map<String, String> form = parseForm(readBody(ex));
        if (!WebSessions.sameToken(form.get("csrf"), cookies(ex).get(LOGIN_COOKIE))) {
            return loginPage(ex, "The sign-in form expired. Please try again.", 403);
        }
        String user = form.getOrDefault("user", "").strip();
        if (throttle.blocked(user)) {
            audit.append(user, "web.sign-in-throttled", "user:" + user, "too many failed sign-ins");
            return loginPage(ex, "Too many failed sign-ins for this user. Try again in a few minutes.", 429);
        }
        char[] password = form.getOrDefault("password", "").toCharArray();
        Optional<Principal> p = user.isEmpty() ? Optional.empty() : accounts.signIn(user, password);
        java.util.Arrays.fill(password, '\0');
        if (p.isEmpty()) {
            throttle.failed(user);
            return loginPage(ex, "Wrong user name or password.", 401);
        }
        throttle.succeeded(user);
        WebSessions.Session s = sessions.create(p.get());
        return Response.redirect(prefix + "/candidates", List.of(cookie(SESSION_COOKIE, s.id(), false), cookie(LOGIN_COOKIE, "", true)));
    }

    private Response logout(Request r) {
        r.session().ifPresent(s -> sessions.remove(s.id()));
        return Response.redirect(prefix + "/login", List.of(cookie(SESSION_COOKIE, "", true)));
    }

    private Response home(Request r) {
        return Response.redirect(prefix + "/candidates", List.of());
    }

    // ------------------------------------------------------------------------------------------------ pages

    private Response page(Request r, int status, String title, String body) {
        return Response.html(status, Html.page(prefix, title, r.principal().name(), r.csrf(), body));
    }

    private String link(Submission s) {
        return "<a href=\"" + esc(prefix) + "/candidates/" + s.id() + "\">" + esc(s.plugin()) + "</a>";
    }

    private Response candidatesPage(Request r) {
        StringBuilder b = new StringBuilder("<h2>Pending</h2>");
        List<Submission> pending = approvals.pending();
        if (pending.isEmpty()) {
            b.append("<p class=\"muted\" id=\"no-pending\">Nothing waits for a decision.</p>");
        } else {
            b.append("<table id=\"pending\"><tr><th>Plugin</th><th>Digest</th><th>Proposer</th><th>Submitted</th><th>Risk</th><th>Policy</th></tr>");
            for (Submission s : pending) {
                b.append("<tr data-digest=\"").append(esc(s.digest())).append("\"><td>").append(link(s)).append("</td><td class=\"digest\">")
                        .append(esc(s.digest().substring(0, 12))).append("</td><td>").append(esc(s.proposer())).append("</td><td>")
                        .append(esc(s.submittedAt().toString())).append("</td><td>").append(esc(s.risk())).append("</td><td>")
                        .append(esc(s.explanation().isEmpty() ? "" : s.explanation().getFirst()))
                        .append("</td></tr>");
            }
            b.append("</table>");
        }
        b.append("<h2>Recent</h2><table id=\"recent\"><tr><th>Plugin</th><th>Digest</th><th>Proposer</th><th>Status</th></tr>");
        for (Submission s : approvals.all().stream().limit(50).toList()) {
            b.append("<tr><td>").append(link(s)).append("</td><td class=\"digest\">").append(esc(s.digest().substring(0, 12)))
                    .append("</td><td>").append(esc(s.proposer())).append("</td><td class=\"status\">").append(esc(s.status().id())).append("</td></tr>");
        }
        b.append("</table>");
        return page(r, 200, "Candidates", b.toString());
    }

    private Optional<Submission> submission(Request r) {
        return approvals.submission(Long.parseLong(r.group(1)));
    }

    private Response candidatePage(Request r) {
        Optional<Submission> s = submission(r);
        if (s.isEmpty()) {
            return page(r, 404, "No such candidate", "<p>No candidate " + esc(r.group(1)) + ".</p>");
        }
        String notice = switch (r.query().getOrDefault("done", "")) {
            case "approved" -> "<p class=\"notice\" id=\"notice\">Approved.</p>";
            case "rejected" -> "<p class=\"notice\" id=\"notice\">Rejected.</p>";
            default -> "";
        };
        return page(r, 200, s.get().plugin(), notice + candidateBody(r, s.get()));
    }

    private String candidateBody(Request r, Submission s) {
        StringBuilder b = new StringBuilder();
        b.append("<table id=\"facts\">")
                .append(row("Digest", "<span class=\"digest\" id=\"digest\">" + esc(s.digest()) + "</span>"))
                .append(row("Replaces", "<span class=\"digest\">" + esc(s.baselineDigest().orElse("(first install)")) + "</span>"))
                .append(row("Proposer", esc(s.proposer())))
                .append(row("Submitted", esc(s.submittedAt().toString())))
                .append(row("Status", "<span id=\"status\">" + esc(s.status().id()) + "</span>"))
                .append(row("Policy", esc(s.decisionKind())))
                .append(row("Risk", "<span id=\"risk\" class=\"" + (s.risk().startsWith("high") ? "bad" : s.risk().startsWith("low") ? "ok" : "")
                        + "\">" + esc(s.risk()) + "</span>"))
                .append(row("Capabilities", esc(s.capabilities())))
                .append("</table><h2>Why</h2><ul id=\"reasons\">");
        s.explanation().forEach(line -> b.append("<li>").append(esc(line)).append("</li>"));
        b.append("</ul>");
        b.append("<h2>Trial</h2>");
        if (s.trial().isEmpty()) {
            b.append("<p class=\"muted\" id=\"trial\">No sandbox trial results.</p>");
        } else {
            var t = s.trial().get();
            b.append("<p id=\"trial\">Verdict <span class=\"").append(t.verdict() == TrialReport.Verdict.PASS ? "ok" : "bad").append("\">")
                    .append(esc(t.verdict().id())).append("</span>: ").append(t.cases().size()).append(" cases, ")
                    .append(t.failedCases()).append(" not passing</p><table id=\"trial-cases\"><tr><th>Case</th><th>Outcome</th><th>Detail</th></tr>");
            t.cases().forEach(c -> b.append("<tr><td>").append(esc(c.id())).append("</td><td class=\"").append(c.passed() ? "ok" : "bad")
                    .append("\">").append(esc(c.outcome())).append("</td><td>").append(esc(c.detail())).append("</td></tr>"));
            b.append("</table>");
        }
        List<Approval> decisions = approvals.decisions(s.plugin(), s.digest());
        if (!decisions.isEmpty()) {
            b.append("<h2>Decisions</h2><ul id=\"decisions\">");
            decisions.forEach(a -> b.append("<li>").append(esc(a.approver())).append(a.approved() ? " approved" : " rejected")
                    .append(" at ").append(esc(a.decidedAt().toString())).append(": ").append(esc(a.reason())).append("</li>"));
            b.append("</ul>");
        }
        if (s.status() == CandidateStatus.PENDING) {
            String action = esc(prefix) + "/candidates/" + s.id();
            b.append("<h2>Decide</h2>");
            for (String verb : List.of("approve", "reject")) {
                b.append("<form class=\"decide\" method=\"post\" action=\"").append(action).append('/').append(verb).append("\" id=\"")
                        .append(verb).append("-form\"><input type=\"hidden\" name=\"csrf\" value=\"").append(esc(r.csrf()))
                        .append("\"><input type=\"hidden\" name=\"digest\" value=\"").append(esc(s.digest()))
                        .append("\"><label>Reason <textarea name=\"reason\" id=\"").append(verb).append("-reason\"></textarea></label>")
                        .append("<button type=\"submit\" id=\"").append(verb).append("\">").append(verb.equals("approve") ? "Approve" : "Reject")
                        .append("</button></form>");
            }
        }
        b.append("<h2>Diff</h2>").append(Html.diff(s.diff()));
        return b.toString();
    }

    private static String row(String k, String valueHtml) {
        return "<tr><th>" + esc(k) + "</th><td>" + valueHtml + "</td></tr>";
    }

    private Response decidePage(Request r, boolean approve) {
        Optional<Submission> s = submission(r);
        if (s.isEmpty()) {
            return page(r, 404, "No such candidate", "<p>No candidate " + esc(r.group(1)) + ".</p>");
        }
        String digest = r.form().getOrDefault("digest", "");
        String reason = r.form().getOrDefault("reason", "").strip();
        Optional<String> promotionProblem;
        try {
            promotionProblem = decide(r.principal(), s.get(), digest, reason, approve);
        } catch (ApprovalRefusedException e) {
            int status = e.kind() == ApprovalRefusedException.Kind.NOT_ALLOWED ? 403 : 409;
            Submission now = approvals.submission(s.get().id()).orElse(s.get());
            return page(r, status, now.plugin(), "<p class=\"error\" id=\"error\">" + esc(e.getMessage()) + "</p>" + candidateBody(r, now));
        }
        if (promotionProblem.isPresent()) {
            Submission now = approvals.submission(s.get().id()).orElse(s.get());
            return page(r, 200, now.plugin(), "<p class=\"error\" id=\"error\">Approved, but the promotion did not start: "
                    + esc(promotionProblem.get()) + "</p>" + candidateBody(r, now));
        }
        return Response.redirect(prefix + "/candidates/" + s.get().id() + "?done=" + (approve ? "approved" : "rejected"), List.of());
    }

    /**
     * Approve or reject: the digest the person saw must be this candidate's. Returns why the promotion did
     * not start after an approval, if it did not.
     */
    private Optional<String> decide(Principal who, Submission s, String digestSeen, String reason, boolean approve) {
        if (!digestSeen.equals(s.digest())) {
            throw new ApprovalRefusedException("you reviewed digest " + (digestSeen.isEmpty() ? "(none)" : digestSeen)
                    + ", but candidate " + s.id() + " is " + s.digest() + "; review it again");
        }
        if (approve) {
            Approval a = approvals.approve(who, digestSeen, reason.isEmpty() ? "approved in the web UI" : reason);
            try {
                onApproved.approved(approvals.submission(s.id()).orElse(s), a);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "approved " + s.plugin() + "@" + s.digest() + " but its promotion did not start", e);
                return Optional.of(String.valueOf(e.getMessage()));
            }
        } else {
            approvals.reject(who, digestSeen, reason);
        }
        return Optional.empty();
    }

    private Response promotionsPage(Request r) {
        List<PromotionStatus> list = promotions.get();
        StringBuilder b = new StringBuilder();
        if (list.isEmpty()) {
            b.append("<p class=\"muted\" id=\"no-promotions\">No promotions yet.</p>");
        } else {
            b.append("<table id=\"promotions\"><tr><th>Plugin</th><th>Promotion</th><th>State</th><th>Since</th><th>Candidate</th>"
                    + "<th>Last good</th><th>Gates</th><th>Why</th></tr>");
            for (PromotionStatus p : list) {
                var g = p.readings();
                b.append("<tr data-plugin=\"").append(esc(p.plugin())).append("\"><td>").append(esc(p.plugin())).append("</td><td>")
                        .append(esc(p.promotion())).append("</td><td class=\"state\">").append(esc(p.state().id())).append("</td><td>")
                        .append(esc(p.since().toString())).append("</td><td class=\"digest\">").append(esc(shortDigest(p.candidate())))
                        .append("</td><td class=\"digest\">").append(esc(shortDigest(p.lastGood()))).append("</td><td>")
                        .append(esc(String.format(java.util.Locale.ROOT, "%d calls, errors %.1f%%, evidence %.1f%%, mismatch %.1f%%, max session risk %.2f",
                                g.calls(), 100 * g.errorRate(), 100 * g.evidenceRate(), 100 * g.mismatchRate(), g.maxSessionRisk())))
                        .append("</td><td>").append(esc(p.lastReason())).append("</td></tr>");
            }
            b.append("</table>");
        }
        return page(r, 200, "Promotions", b.toString());
    }

    private static String shortDigest(String d) {
        return d.isEmpty() ? "(none)" : d.substring(0, Math.min(12, d.length()));
    }

    private record HistoryData(java.time.Instant from, java.time.Instant to, long bucket,
                               Map<String, List<FailureHistory.Sample>> samples, Map<String, List<HistoryChart.Marker>> markers) {
    }

    private HistoryData historyData(Request r) {
        int days;
        try {
            days = Integer.parseInt(r.query().getOrDefault("days", "7"));
        } catch (NumberFormatException e) {
            throw new BadRequest("days must be a whole number");
        }
        if (days < 1 || days > 365) {
            throw new BadRequest("days must be 1..365");
        }
        java.time.Instant to = clock.instant();
        java.time.Instant from = to.minus(Duration.ofDays(days));
        long bucket = days <= 2 ? 3600 : days <= 31 ? 6 * 3600 : 86400;
        Map<String, List<FailureHistory.Sample>> samples = new java.util.TreeMap<>();
        for (FailureHistory.Sample s : history.samples(from, to, bucket)) {
            samples.computeIfAbsent(s.plugin(), k -> new ArrayList<>()).add(s);
        }
        samples.values().forEach(l -> l.sort(java.util.Comparator.comparing(FailureHistory.Sample::bucketStart)));
        Map<String, List<HistoryChart.Marker>> markers = new java.util.TreeMap<>();
        for (AuditEntry e : audit.entries()) {
            boolean promoted = e.kind().equals("promotion.promoted");
            boolean rolledBack = e.kind().equals("promotion.rolled-back");
            if ((promoted || rolledBack) && !e.at().isBefore(from)) {
                String plugin = e.subject().contains("@") ? e.subject().substring(0, e.subject().indexOf('@')) : e.subject();
                markers.computeIfAbsent(plugin, k -> new ArrayList<>()).add(new HistoryChart.Marker(e.at(), promoted,
                        (promoted ? "promoted " : "rolled back ") + e.subject() + " at " + e.at()));
            }
        }
        return new HistoryData(from, to, bucket, samples, markers);
    }

    private Response historyPage(Request r) {
        HistoryData h = historyData(r);
        var plugins = new java.util.TreeSet<>(h.samples().keySet());
        plugins.addAll(h.markers().keySet());
        StringBuilder b = new StringBuilder("<p class=\"muted\">Failure rate per plugin; dashed lines mark promotions (green) and rollbacks (red).</p>");
        if (plugins.isEmpty()) {
            b.append("<p class=\"muted\" id=\"no-history\">No calls or promotions in this period.</p>");
        }
        for (String plugin : plugins) {
            b.append("<section class=\"history\" data-plugin=\"").append(esc(plugin)).append("\"><h2>").append(esc(plugin)).append("</h2>")
                    .append(HistoryChart.svg(plugin, h.from(), h.to(), h.samples().getOrDefault(plugin, List.of()),
                            h.markers().getOrDefault(plugin, List.of()))).append("</section>");
        }
        return page(r, 200, "History", b.toString());
    }

    private Response apiHistory(Request r) {
        HistoryData h = historyData(r);
        ObjectNode o = json.createObjectNode().put("from", h.from().toString()).put("to", h.to().toString()).put("bucketSeconds", h.bucket());
        ObjectNode plugins = o.putObject("plugins");
        h.samples().forEach((plugin, list) -> {
            ArrayNode a = plugins.putObject(plugin).putArray("samples");
            list.forEach(s -> a.addObject().put("at", s.bucketStart().toString()).put("calls", s.calls()).put("failures", s.failures()));
        });
        h.markers().forEach((plugin, list) -> {
            ObjectNode p = plugins.has(plugin) ? (ObjectNode) plugins.get(plugin) : plugins.putObject(plugin);
            ArrayNode a = p.putArray("markers");
            list.forEach(m -> a.addObject().put("at", m.at().toString()).put("kind", m.promoted() ? "promoted" : "rolled-back").put("label", m.label()));
        });
        return jsonOk(o);
    }

    private Response auditPage(Request r) {
        AuditVerification v = audit.verify();
        StringBuilder b = new StringBuilder();
        switch (v) {
            case AuditVerification.Intact i -> b.append("<p class=\"ok\" id=\"verification\">Chain intact: ").append(i.rows())
                    .append(" rows, head <span class=\"digest\">").append(esc(i.headHash())).append("</span></p>");
            case AuditVerification.Broken br -> {
                b.append("<p class=\"bad\" id=\"verification\">Chain BROKEN: ").append(br.problems().size()).append(" problem(s)</p><ul>");
                br.problems().forEach(p -> b.append("<li>").append(esc(p.toString())).append("</li>"));
                b.append("</ul>");
            }
        }
        b.append("<table id=\"audit\"><tr><th>#</th><th>Time</th><th>Actor</th><th>What</th><th>Subject</th><th>Detail</th></tr>");
        for (AuditEntry e : audit.latest(200)) {
            b.append("<tr><td>").append(e.seq()).append("</td><td>").append(esc(e.at().toString())).append("</td><td>").append(esc(e.actor()))
                    .append("</td><td>").append(esc(e.kind())).append("</td><td class=\"digest\">").append(esc(e.subject()))
                    .append("</td><td>").append(esc(e.detail().length() > 300 ? e.detail().substring(0, 300) + "..." : e.detail())).append("</td></tr>");
        }
        b.append("</table>");
        return page(r, 200, "Audit log", b.toString());
    }

    // ------------------------------------------------------------------------------------------------ JSON API

    private Response jsonError(int status, String message) {
        ObjectNode o = json.createObjectNode().put("error", message);
        return new Response(status, "application/json", o.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private Response jsonOk(JsonNode node) {
        return new Response(200, "application/json", node.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private Response apiMe(Request r) {
        ObjectNode o = json.createObjectNode().put("user", r.principal().name());
        ArrayNode roles = o.putArray("roles");
        r.principal().roles().forEach(x -> roles.add(x.id()));
        r.session().ifPresent(s -> o.put("csrf", s.csrf()));
        return jsonOk(o);
    }

    private ObjectNode submissionJson(Submission s, boolean full) {
        ObjectNode o = json.createObjectNode();
        o.put("id", s.id()).put("plugin", s.plugin()).put("digest", s.digest()).put("proposer", s.proposer())
                .put("submittedAt", s.submittedAt().toString()).put("status", s.status().id()).put("policy", s.decisionKind())
                .put("capabilities", s.capabilities()).put("risk", s.risk());
        s.baselineDigest().ifPresent(d -> o.put("replaces", d));
        if (full) {
            s.trial().ifPresent(t -> {
                ObjectNode trial = o.putObject("trial").put("verdict", t.verdict().id());
                ArrayNode cases = trial.putArray("cases");
                t.cases().forEach(c -> cases.addObject().put("id", c.id()).put("outcome", c.outcome()).put("detail", c.detail()));
            });
            ArrayNode reasons = o.putArray("reasons");
            s.explanation().forEach(reasons::add);
            o.put("diff", s.diff());
            ArrayNode decisions = o.putArray("decisions");
            approvals.decisions(s.plugin(), s.digest()).forEach(a -> decisions.addObject().put("approver", a.approver())
                    .put("approved", a.approved()).put("reason", a.reason()).put("at", a.decidedAt().toString())
                    .put("expires", a.expiresAt().toString()));
        }
        return o;
    }

    private Response apiCandidates(Request r) {
        ObjectNode o = json.createObjectNode();
        ArrayNode pending = o.putArray("pending");
        approvals.pending().forEach(s -> pending.add(submissionJson(s, false)));
        ArrayNode recent = o.putArray("recent");
        approvals.all().stream().limit(50).forEach(s -> recent.add(submissionJson(s, false)));
        return jsonOk(o);
    }

    private Response apiCandidate(Request r) {
        return submission(r).map(s -> jsonOk(submissionJson(s, true))).orElseGet(() -> jsonError(404, "no candidate " + r.group(1)));
    }

    private Response apiDecide(Request r, boolean approve) throws IOException {
        Optional<Submission> s = submission(r);
        if (s.isEmpty()) {
            return jsonError(404, "no candidate " + r.group(1));
        }
        JsonNode body;
        try {
            body = json.readTree(r.form().getOrDefault("_body", "{}"));
        } catch (IOException e) {
            return jsonError(400, "body is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject() || !body.path("digest").isTextual()) {
            return jsonError(400, "body must be {\"digest\": \"<sha-256 you reviewed>\", \"reason\": \"...\"}");
        }
        Optional<String> promotionProblem;
        try {
            promotionProblem = decide(r.principal(), s.get(), body.get("digest").asText(), body.path("reason").asText("").strip(), approve);
        } catch (ApprovalRefusedException e) {
            return jsonError(e.kind() == ApprovalRefusedException.Kind.NOT_ALLOWED ? 403 : 409, e.getMessage());
        }
        ObjectNode out = submissionJson(approvals.submission(s.get().id()).orElseThrow(), true);
        promotionProblem.ifPresent(p -> out.put("promotionError", p));
        return jsonOk(out);
    }

    private Response apiPromotions(Request r) {
        ArrayNode a = json.createArrayNode();
        for (PromotionStatus p : promotions.get()) {
            var g = p.readings();
            ObjectNode o = a.addObject().put("plugin", p.plugin()).put("promotion", p.promotion()).put("state", p.state().id())
                    .put("since", p.since().toString()).put("candidate", p.candidate()).put("lastGood", p.lastGood()).put("reason", p.lastReason());
            o.putObject("gates").put("calls", g.calls()).put("errorRate", g.errorRate()).put("evidenceRate", g.evidenceRate())
                    .put("mismatchRate", g.mismatchRate()).put("maxSessionRisk", g.maxSessionRisk());
        }
        return jsonOk(a);
    }

    private Response apiAudit(Request r) {
        ObjectNode o = json.createObjectNode();
        AuditVerification v = audit.verify();
        ObjectNode ver = o.putObject("verification").put("intact", v instanceof AuditVerification.Intact).put("rows", v.rows());
        if (v instanceof AuditVerification.Broken b) {
            ArrayNode problems = ver.putArray("problems");
            b.problems().forEach(p -> problems.addObject().put("row", p.rowId()).put("problem", p.what()));
        }
        int limit;
        try {
            limit = Integer.parseInt(r.query().getOrDefault("limit", "200"));
        } catch (NumberFormatException e) {
            return jsonError(400, "limit must be a whole number");
        }
        ArrayNode rows = o.putArray("rows");
        for (AuditEntry e : audit.latest(Math.min(Math.max(limit, 0), 5000))) {
            rows.addObject().put("seq", e.seq()).put("at", e.at().toString()).put("actor", e.actor()).put("kind", e.kind())
                    .put("subject", e.subject()).put("detail", e.detail()).put("hash", e.hash()).put("prevHash", e.prevHash());
        }
        return jsonOk(o);
    }
}
