package dev.chrysalis.governance.web;

import dev.chrysalis.governance.approval.Principal;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Signed-in browser sessions: random ids, a CSRF token each, idle expiry. Kept in memory: a restart signs everyone out. */
final class WebSessions {
    record Session(String id, Principal principal, String csrf, Instant expires) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;
    private final Duration idle;

    WebSessions(SecureRandom random, Clock clock, Duration idle) {
        this.random = random;
        this.clock = clock;
        this.idle = idle;
    }

    Session create(Principal principal) {
        var s = new Session(token(), principal, token(), clock.instant().plus(idle));
        sessions.put(s.id(), s);
        return s;
    }

    Optional<Session> find(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(s.expires())) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session renewed = new Session(s.id(), s.principal(), s.csrf(), clock.instant().plus(idle));
        sessions.put(id, renewed);
        return Optional.of(renewed);
    }

    void remove(String id) {
        sessions.remove(id);
    }

    String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static boolean sameToken(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
