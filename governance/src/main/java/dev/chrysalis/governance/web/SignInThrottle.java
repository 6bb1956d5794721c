package dev.chrysalis.governance.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Slows password guessing: after {@code limit} failed sign-ins for one user name within {@code window}, refuse until it passes. */
final class SignInThrottle {
    private final Clock clock;
    private final int limit;
    private final Duration window;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    SignInThrottle(Clock clock, int limit, Duration window) {
        this.clock = clock;
        this.limit = limit;
        this.window = window;
    }

    /** True while {@code user} is locked out. */
    boolean blocked(String user) {
        Deque<Instant> d = failures.get(user);
        if (d == null) {
            return false;
        }
        synchronized (d) {
            prune(d);
            return d.size() >= limit;
        }
    }

    void failed(String user) {
        Deque<Instant> d = failures.computeIfAbsent(user, k -> new ArrayDeque<>());
        synchronized (d) {
            prune(d);
            d.addLast(clock.instant());
        }
    }

    void succeeded(String user) {
        failures.remove(user);
    }

    private void prune(Deque<Instant> d) {
        Instant cutoff = clock.instant().minus(window);
        while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) {
            d.removeFirst();
        }
    }
}
