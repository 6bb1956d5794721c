package dev.chrysalis.inference.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPU's vendor as the kernel reports it ({@code vendor_id} in {@code /proc/cpuinfo}: {@code GenuineIntel},
 * {@code AuthenticAMD}, ...), for the kernel choices that depend on the microarchitecture rather than on the lane
 * width. Empty where it cannot be read (not Linux, or no such line).
 */
public final class CpuVendor {

    private static final String ID = read(Path.of("/proc/cpuinfo"));

    private CpuVendor() {
    }

    /** This machine's vendor id, or "" when unknown. */
    public static String id() {
        return ID;
    }

    /**
     * The first {@code vendor_id} of a cpuinfo file, or "" when the file or the line is missing. Reads up to that
     * line only: the file repeats it for every core, and a many-core machine's is hundreds of KiB.
     */
    static String read(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return parse(lines);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static String parse(List<String> lines) {
        return parse(lines.stream());
    }

    private static String parse(Stream<String> lines) {
        return lines.map(CpuVendor::vendorOf).filter(v -> v != null).findFirst().orElse("");
    }

    /** The value of a {@code vendor_id : ...} line, else null. */
    private static String vendorOf(String line) {
        int colon = line.indexOf(':');
        return colon > 0 && line.substring(0, colon).strip().equals("vendor_id") ? line.substring(colon + 1).strip() : null;
    }
}
