package dev.chrysalis.host.runtime;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Permission to use one plugin service: while any lease on a bundle generation is open, a swap does not
 * uninstall that generation, so the service's classes cannot vanish mid-call. Close it when the call is done
 * (try-with-resources); closing twice is harmless.
 */
public final class PluginLease<T> implements AutoCloseable {
    private final T service;
    private final String name;
    private final Generation generation;
    private final AtomicBoolean open = new AtomicBoolean(true);

    PluginLease(T service, String name, Generation generation) {
        this.service = Objects.requireNonNull(service, "service");
        this.name = Objects.requireNonNull(name, "name");
        this.generation = Objects.requireNonNull(generation, "generation");
    }

    public T service() {
        if (!open.get()) {
            throw new IllegalStateException("lease on " + name + " from " + generation.symbolicName() + " is closed");
        }
        return service;
    }

    /** The service's name (skill name, router name, hook name). */
    public String name() {
        return name;
    }

    /** The symbolic name of the plugin bundle that serves it. */
    public String plugin() {
        return generation.symbolicName();
    }

    public String version() {
        return generation.version();
    }

    /** SHA-256 of the jar that serves it. */
    public String digest() {
        return generation.digest();
    }

    /**
     * The same lease (same generation, name and acquisition) handing out {@code other} instead, e.g. the service
     * wrapped to observe its calls. This lease is closed without releasing: the new one owns the acquisition.
     */
    PluginLease<T> rewrap(T other) {
        if (!open.compareAndSet(true, false)) {
            throw new IllegalStateException("lease on " + name + " from " + generation.symbolicName() + " is closed");
        }
        return new PluginLease<>(other, name, generation);
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            generation.release();
        }
    }
}
