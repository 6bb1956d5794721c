package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;

class ClassReferencesTest {

    /** Names a few classes in its constant pool, one of them missing at run time in the test below. */
    static final class Referrer {
        Object make() {
            return new ConcurrentSkipListMap<String, String[]>(java.util.Comparator.naturalOrder());
        }
    }

    /** Records what it is asked for; refuses one name, as a bundle whose optional import is absent would. */
    static final class RecordingLoader extends ClassLoader {
        final List<String> asked = new ArrayList<>();

        RecordingLoader() {
            super(ClassReferencesTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            if (name.equals("java.util.Comparator")) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void everyClassNamedInTheConstantPoolIsLoadedThroughTheGivenLoaderOnceAndAMissingOneIsLeftForLater() throws Exception {
        byte[] bytes;
        try (InputStream in = Referrer.class.getResourceAsStream("ClassReferencesTest$Referrer.class")) {
            bytes = in.readAllBytes();
        }
        RecordingLoader loader = new RecordingLoader();
        Set<String> done = new HashSet<>();

        int loaded = ClassReferences.resolve(bytes, loader, done);

        assertTrue(loader.asked.contains("java.util.concurrent.ConcurrentSkipListMap"), loader.asked.toString());
        assertTrue(loader.asked.contains("java.util.Comparator"), "asked, though it fails: " + loader.asked);
        assertTrue(done.contains(Referrer.class.getName()), done.toString());
        assertEquals(done.size() - 1, loaded, "all but the missing one loaded");
        int asked = loader.asked.size();
        assertEquals(0, ClassReferences.resolve(bytes, loader, done), "names already done are not asked again");
        assertEquals(asked, loader.asked.size());
    }

    @Test
    void arraysNameTheirElementClassAndPrimitiveArraysNothing() {
        assertEquals("java.lang.String", ClassReferences.binaryName("java/lang/String"));
        assertEquals("java.lang.String", ClassReferences.binaryName("[[Ljava/lang/String;"));
        assertEquals("", ClassReferences.binaryName("[I"));
    }

    @Test
    void bytesThatAreNoClassFileAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ClassReferences.resolve(new byte[] {1, 2, 3}, new RecordingLoader(), new HashSet<>()));
    }
}
