package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchCacheTest {

    @TempDir
    Path root;

    @Test
    void eachRuntimeGetsItsOwnFolderNamedAfterItsProcessAndFoldersOfDeadProcessesAreRemoved() throws Exception {
        long deadPid = deadPid();
        Path orphan = Files.createDirectories(root.resolve(ScratchCache.PREFIX + deadPid + "-123"));
        Files.writeString(orphan.resolve("bundle.id"), "7");
        Path living = Files.createDirectories(root.resolve(ScratchCache.PREFIX + ProcessHandle.current().pid() + "-456"));
        Path foreign = Files.createDirectories(root.resolve("something-else"));

        Path a = ScratchCache.inMemory(root, "memory").orElseThrow();
        Path b = ScratchCache.inMemory(root, "memory").orElseThrow();

        assertTrue(a.getFileName().toString().startsWith(ScratchCache.PREFIX + ProcessHandle.current().pid() + "-"), a.toString());
        assertFalse(a.equals(b), "two runtimes in one process get two folders");
        assertFalse(Files.exists(orphan), "the folder of a dead process is removed");
        assertTrue(Files.isDirectory(living), "a folder of a living process stays");
        assertTrue(Files.isDirectory(foreign), "other folders are not ours to remove");
    }

    @Test
    void dataKeepsTheCacheOnTheDataDirectoryAndAnUnknownChoiceIsRefused() {
        assertEquals(Optional.empty(), ScratchCache.inMemory(root, "data"));
        assertEquals(Optional.empty(), ScratchCache.inMemory(root.resolve("missing"), "memory"), "no memory file system");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScratchCache.inMemory(root, "ram"));
        assertTrue(e.getMessage().contains(ScratchCache.PROPERTY + " must be 'memory' or 'data', not 'ram'"), e.getMessage());
    }

    /** A process id no process has now: one that just exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();
        while (ProcessHandle.of(pid).isPresent()) {
            Thread.sleep(1);
        }
        return pid;
    }
}
