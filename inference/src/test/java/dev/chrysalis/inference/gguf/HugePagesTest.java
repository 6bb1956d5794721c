package dev.chrysalis.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.inference.testutil.GgufBuilder;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugePagesTest {

    @TempDir
    Path dir;

    @Test
    void filePmdMappedIsReadFromTheMappingThatContainsTheAddress() {
        List<String> smaps = List.of(
                "7f0000000000-7f0000200000 r--s 00000000 fd:00 12 /models/a.gguf",
                "Size:               2048 kB",
                "FilePmdMapped:         0 kB",
                "VmFlags: rd sh mr mw me ms sd",
                "7f0000400000-7f0040400000 r--s 00000000 fd:00 13 /models/b.gguf",
                "Size:            1048576 kB",
                "FilePmdMapped:    991232 kB",
                "7fff00000000-7fff00021000 rw-p 00000000 00:00 0 [stack]",
                "Size:                132 kB");
        assertEquals(0, HugePages.filePmdMappedKb(smaps, 0x7f0000100000L));
        assertEquals(991232, HugePages.filePmdMappedKb(smaps, 0x7f0000400000L));
        assertEquals(991232, HugePages.filePmdMappedKb(smaps, 0x7f00403fffffL));
        assertEquals(-1, HugePages.filePmdMappedKb(smaps, 0x7f0040400000L), "end address is outside");
        assertEquals(-1, HugePages.filePmdMappedKb(smaps, 0x7fff00000010L), "a mapping without the field");
        assertEquals(-1, HugePages.filePmdMappedKb(smaps, 0x1000L), "no mapping contains it");
    }

    /**
     * A model file larger than {@link HugePages#MIN_FILE_SIZE} that is already cached in small pages (it was
     * just written) is read back into 2 MiB pages by {@link GgufFile#open}, and its tensor reads the same.
     * Some of the tensor must be 2 MiB-mapped: a file cached in 4 KiB pages has none. How much depends on how many
     * free 2 MiB blocks the kernel has at that moment (on a fragmented machine, 8 of 32 were seen), so the test asks
     * for one.
     */
    @Test
    void aBigModelFileCachedInSmallPagesIsMappedWithHugePagesAndReadsTheSame() throws IOException {
        int rows = 4096 + 64;
        int cols = 4096;
        ByteBuffer data = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            data.putFloat(i * 4, (i % 1000) * 0.25f - 100f);
        }
        Path file = dir.resolve("big.gguf");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new GgufBuilder().tensor("w", 0, new long[] {cols, rows}, data.array()).build()));
            // written back, so its cached pages are clean: dirty ones cannot be dropped and re-read
            ch.force(true);
        }
        try (GgufFile f = GgufFile.open(file)) {
            GgufTensor t = f.tensors().get("w");
            for (long i : new long[] {0, 1, 4095, 4096 * 2048L + 7, (long) rows * cols - 1}) {
                assertEquals((i % 1000) * 0.25f - 100f, t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i), "element " + i);
            }
            assumeTrue(HugePages.available(), "transparent huge pages are disabled on this machine ([never])");
            for (long p = 0; p < t.byteSize(); p += 4096) {
                t.data().get(ValueLayout.JAVA_BYTE, p);
            }
            long kb = HugePages.filePmdMappedKb(Files.readAllLines(Path.of("/proc/self/smaps")), t.data().address());
            assertTrue(kb >= 2048, "2 MiB-mapped part of the " + (t.byteSize() >> 20) + " MiB tensor: " + kb + " kB");
        }
    }
}
