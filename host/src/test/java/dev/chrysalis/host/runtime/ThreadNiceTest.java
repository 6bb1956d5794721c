package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadNiceTest {

    @Test
    void aPlatformThreadMayLowerItsOwnPriorityAndReadsItBackWithoutTouchingOtherThreads() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"), "setpriority is Linux here");
        Optional<Integer> mine = ThreadNice.current();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            // raising the nice value (less CPU) needs no privilege
            boolean set = ThreadNice.set(7);
            seen.set(set + " " + ThreadNice.current().orElse(-99));
        });
        t.join();
        assertEquals("true 7", seen.get());
        assertEquals(mine, ThreadNice.current(), "only the calling thread changes");
    }

    @Test
    void aVirtualThreadIsRefusedBecauseItsCarrierWouldChangeInstead() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                ThreadNice.set(1);
            } catch (Throwable e) {
                thrown.set(e);
            }
        }).join();
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("virtual thread"), thrown.get().getMessage());
    }

    @Test
    void aNiceValueOutsideTheRangeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadNice.set(25));
        assertTrue(e.getMessage().contains("between -20 and 19, not 25"), e.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> new ChangeThread("x", -21));
        assertTrue(c.getMessage().contains(ChangeThread.NICE_PROPERTY), c.getMessage());
    }

    @Test
    void aVirtualThreadsChangesRunOnTheChangeThreadAndItsRefusalsReachTheCallerAsThemselves() throws Exception {
        try (ChangeThread changes = new ChangeThread("test-changes", 0)) {
            AtomicReference<Object> seen = new AtomicReference<>();
            UnknownPluginException refused = new UnknownPluginException("no installed plugin is called 'x'");
            Thread.ofVirtual().start(() -> {
                try {
                    String where = changes.run(() -> Thread.currentThread().getName());
                    String nested = changes.run(() -> changes.run(() -> "nested on " + Thread.currentThread().getName()));
                    Object thrown;
                    try {
                        thrown = changes.run(() -> {
                            throw refused;
                        });
                    } catch (UnknownPluginException e) {
                        thrown = e;
                    }
                    seen.set(List.of(where, nested, thrown));
                } catch (PluginOperationException e) {
                    seen.set(e);
                }
            }).join();
            assertEquals(List.of("test-changes", "nested on test-changes", refused), seen.get(),
                    "a change asked for from the change thread runs inline instead of waiting on itself");
        }
    }

    @Test
    void aPlatformThreadsChangesRunOnItselfWithThePlatformLoaderAndKeepItsInterrupt() throws Exception {
        ChangeThread changes = new ChangeThread("test-changes", 0);
        ClassLoader mine = Thread.currentThread().getContextClassLoader();
        String caller = Thread.currentThread().getName();
        assertEquals(List.of(caller, ClassLoader.getPlatformClassLoader()), changes.run(() -> List.of(
                Thread.currentThread().getName(), Thread.currentThread().getContextClassLoader())));
        assertEquals(mine, Thread.currentThread().getContextClassLoader(), "the caller's loader is back");
        UnknownPluginException refused = new UnknownPluginException("no installed plugin is called 'x'");
        assertEquals(refused, assertThrows(UnknownPluginException.class, () -> changes.run(() -> {
            throw refused;
        })));

        Thread.currentThread().interrupt();
        assertEquals(false, changes.run(() -> Thread.currentThread().isInterrupted()), "a change runs uninterrupted");
        assertTrue(Thread.interrupted(), "and the caller's interrupt is kept for after it");

        changes.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> changes.run(() -> "late"));
        assertTrue(closed.getMessage().contains("no plugin change can be made"), closed.getMessage());
    }
}
