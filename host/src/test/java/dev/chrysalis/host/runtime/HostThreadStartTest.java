package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.sandbox.guard.Guard;
import dev.chrysalis.sandbox.guard.Permits;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Guard#startForHost}: a thread the host starts for a skill call is the host's, so the guard skips finding out
 * who started it; sandboxed code calling the same public method gets an ordinary start, counted against its cap.
 * Runs in the host's test JVM, which has the guard agent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostThreadStartTest {

    /** Defined again in a sandboxed loader: starts a thread through startForHost from sandboxed code. */
    public static final class Starter {
        public static void start(Runnable task) {
            Guard.startForHost(Thread.ofPlatform().daemon(), task);
        }
    }

    private static final class SandboxedLoader extends ClassLoader {
        SandboxedLoader() {
            super(HostThreadStartTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Starter.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c != null) {
                    return c;
                }
                try (InputStream in = HostThreadStartTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (java.io.IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    @Test
    void theHostsStartIsNotCountedAgainstAPluginButASandboxedCallersStartIs() throws Exception {
        Guard guard = BundleGuard.shared().orElseThrow(() -> new AssertionError("the host tests run with the guard agent"));
        SandboxedLoader loader = new SandboxedLoader();
        guard.sandbox(loader, new Permits("bundle test.starter 1.0.0", Set.of(), List.of(Path.of("/nonexistent")), List.of(),
                Permits.NO_WITNESS, false));
        CountDownLatch hold = new CountDownLatch(1);
        Runnable waiting = () -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try {
            int before = guard.sandboxThreadCount();
            Starter.start(waiting); // the host's own class
            assertEquals(before, guard.sandboxThreadCount(), "a thread the host starts counts toward no plugin");

            Class<?> sandboxed = loader.loadClass(Starter.class.getName());
            assertTrue(guard.isSandboxed(sandboxed));
            sandboxed.getMethod("start", Runnable.class).invoke(null, waiting);
            assertEquals(before + 1, guard.sandboxThreadCount(), "sandboxed code asking gets an ordinary, counted start");
        } finally {
            hold.countDown();
            guard.release(loader);
        }
    }
}
