package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    void changesRunOnTheChangeThreadAndItsRefusalsReachTheCallerAsThemselves() throws Exception {
        try (ChangeThread changes = new ChangeThread("test-changes", 0)) {
            String where = changes.run(() -> Thread.currentThread().getName());
            assertEquals("test-changes", where);
            UnknownPluginException refused = new UnknownPluginException("no installed plugin is called 'x'");
            assertEquals(refused, assertThrows(UnknownPluginException.class, () -> changes.run(() -> {
                throw refused;
            })));
            assertEquals("nested on test-changes", changes.run(() -> changes.run(() -> "nested on " + Thread.currentThread().getName())),
                    "a change asked for from the change thread runs inline instead of waiting on itself");
        }
    }
}
