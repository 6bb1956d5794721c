package dev.chrysalis.sandbox.guard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which classes the guard counts as sandboxed, among many registered loaders, as a host that swaps often has. */
class GuardLookupTest {

    @TempDir
    Path scratch;

    /** A class to define again in loaders of the test's own. */
    public static final class Probe {
    }

    /** Defines its own copy of {@link Probe}. */
    private static final class ProbeLoader extends ClassLoader {
        ProbeLoader() {
            super(GuardLookupTest.class.getClassLoader());
        }

        Class<?> probe() throws IOException {
            String name = Probe.class.getName();
            try (InputStream in = GuardLookupTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            }
        }
    }

    @Test
    void eachLoaderKeepsItsOwnPermitsAmongThousandsAndAReleasedOneIsNoLongerSandboxed() throws IOException {
        Guard guard = new Guard(GuardConfig.standard(scratch, List.of(), 16), v -> { });
        List<ProbeLoader> loaders = new ArrayList<>();
        List<Class<?>> probes = new ArrayList<>();
        List<Permits> permits = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            ProbeLoader loader = new ProbeLoader();
            Permits p = new Permits("bundle " + i, Set.of(), List.of(), List.of(), Permits.NO_WITNESS, false);
            guard.sandbox(loader, p);
            loaders.add(loader);
            probes.add(loader.probe());
            permits.add(p);
        }
        for (int i = 0; i < loaders.size(); i += 7) {
            assertSame(permits.get(i), guard.permitsOf(probes.get(i)), "loader " + i);
        }
        assertFalse(guard.isSandboxed(Probe.class), "the test's own copy of the class is not sandboxed");
        assertFalse(guard.isSandboxed(String.class));

        guard.release(loaders.get(42));
        assertFalse(guard.isSandboxed(probes.get(42)), "released");
        assertSame(permits.get(43), guard.permitsOf(probes.get(43)), "its neighbour is still sandboxed");

        Permits replaced = new Permits("bundle 7 again", Set.of(), List.of(), List.of(), Permits.NO_WITNESS, false);
        guard.sandbox(loaders.get(7), replaced);
        assertSame(replaced, guard.permitsOf(probes.get(7)), "registering a loader again replaces its permits");
        assertTrue(guard.isSandboxed(probes.getLast()));
    }
}
