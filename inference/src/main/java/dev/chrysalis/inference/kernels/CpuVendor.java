package dev.chrysalis.inference.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /** The first {@code vendor_id} of a cpuinfo file, or "" when the file or the line is missing. */
    static String read(Path cpuinfo) {
        try {
            return parse(Files.readAllLines(cpuinfo));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static String parse(List<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals("vendor_id")) {
                return line.substring(colon + 1).strip();
            }
        }
        return "";
    }
}
