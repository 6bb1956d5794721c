package dev.chrysalis.inference.gpu.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernels' PTX on the class path ({@code dev/chrysalis/inference/gpu/chrysalis.sm_80.ptx} and
 * {@code .sm_90.ptx}, built from {@code inference/src/main/cuda}) and a reader for the parts of PTX the
 * Java side checks: version, target, address size and the kernels with their parameters.
 */
public final class PtxModules {

    /** Class path folder of the PTX files. */
    public static final String RESOURCE_DIR = "dev/chrysalis/inference/gpu/";

    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(");
    private static final Pattern PARAM_TYPE = Pattern.compile("\\.([usbf](?:8|16|32|64))\\b");
    private static final Pattern VERSION = Pattern.compile("(?m)^\\s*\\.version\\s+(\\d+\\.\\d+)");
    private static final Pattern TARGET = Pattern.compile("(?m)^\\s*\\.target\\s+([\\w]+)");
    private static final Pattern ADDRESS_SIZE = Pattern.compile("(?m)^\\s*\\.address_size\\s+(\\d+)");

    /**
     * A kernel declared in PTX.
     *
     * @param name       the entry name
     * @param params     number of parameters
     * @param paramTypes the PTX type of each parameter without its dot ({@code u64}, {@code u32}, {@code f32}, ...)
     */
    public record PtxEntry(String name, int params, List<String> paramTypes) {

        public PtxEntry {
            paramTypes = List.copyOf(paramTypes);
            if (params != paramTypes.size()) {
                throw new IllegalArgumentException("entry " + name + ": " + params + " params but " + paramTypes.size() + " types");
            }
        }
    }

    private PtxModules() {
    }

    /** Class path name of the PTX built for {@code sm}, e.g. 90. */
    public static String resourceName(int sm) {
        return RESOURCE_DIR + "chrysalis.sm_" + sm + ".ptx";
    }

    /**
     * The PTX to load on {@code device}: sm_90 for compute capability 9.0 and newer, sm_80 for 8.x.
     *
     * @throws IllegalArgumentException for devices older than compute capability 8.0
     */
    public static String ptxFor(CudaDevice device) {
        return read(resourceName(smFor(device)));
    }

    /** The PTX target number for {@code device} (80 or 90). */
    public static int smFor(CudaDevice device) {
        if (!device.supported()) {
            throw new IllegalArgumentException(device.describe() + " is not supported: the kernels need compute capability "
                    + CudaDevice.MIN_CC_MAJOR + ".0 or newer (Ampere, Ada, Hopper, ...)");
        }
        return device.ccMajor() >= 9 ? 90 : 80;
    }

    /**
     * Reads a PTX resource.
     *
     * @throws IllegalStateException when it is not on the class path
     */
    public static String read(String resource) {
        try (InputStream in = PtxModules.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("PTX " + resource + " is not on the class path (build the inference module: "
                        + "its generate-resources step copies or compiles the PTX)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PTX " + resource, e);
        }
    }

    /** The kernels ({@code .visible .entry}) of {@code ptx} with their parameter counts and types, in file order. */
    public static List<PtxEntry> entries(String ptx) {
        List<PtxEntry> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            int close = ptx.indexOf(')', m.end());
            if (close < 0) {
                throw new IllegalArgumentException("PTX entry " + m.group(1) + ": parameter list is not closed");
            }
            String list = ptx.substring(m.end(), close).strip();
            List<String> types = new ArrayList<>();
            if (!list.isEmpty()) {
                for (String param : list.split(",")) {
                    Matcher t = PARAM_TYPE.matcher(param);
                    if (!param.contains(".param") || !t.find()) {
                        throw new IllegalArgumentException("PTX entry " + m.group(1) + ": cannot read parameter '" + param.strip() + "'");
                    }
                    types.add(t.group(1));
                }
            }
            out.add(new PtxEntry(m.group(1), types.size(), types));
        }
        return out;
    }

    /** The {@code .version} of {@code ptx}, e.g. "8.0". */
    public static String ptxVersion(String ptx) {
        return directive(VERSION, ptx, ".version");
    }

    /** The {@code .target} of {@code ptx}, e.g. "sm_90". */
    public static String target(String ptx) {
        return directive(TARGET, ptx, ".target");
    }

    /** The {@code .address_size} of {@code ptx} (64 for everything the driver loads here). */
    public static int addressSize(String ptx) {
        return Integer.parseInt(directive(ADDRESS_SIZE, ptx, ".address_size"));
    }

    private static String directive(Pattern p, String ptx, String name) {
        Matcher m = p.matcher(ptx);
        if (!m.find()) {
            throw new IllegalArgumentException("not PTX: no " + name + " directive");
        }
        return m.group(1);
    }
}
