package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.gpu.cuda.CudaContext;
import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaEvent;
import dev.chrysalis.inference.gpu.cuda.CudaException;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import dev.chrysalis.inference.gpu.cuda.CudaStream;
import dev.chrysalis.inference.gpu.cuda.DeviceBuffer;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code bench gpu-bandwidth}: device-to-device copy bandwidth of the GPU (cuMemcpyDtoDAsync between two
 * buffers far larger than the L2 cache, timed with events). A copy reads and writes every byte, so the
 * bandwidth counts both: this is the HBM roofline a memory-bound decode is measured against.
 */
public final class GpuBandwidth {

    /** One measurement: bytes moved per second (read + write), best and median of the runs. */
    public record Result(CudaDevice device, long bufferBytes, int runs, double bestBytesPerSecond, double medianBytesPerSecond) {
    }

    private final PrintStream out;
    private final PrintStream err;

    public GpuBandwidth(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static String usage() {
        return """
                usage: bench gpu-bandwidth [--mib N] [--runs N] [--gpu ORDINAL]
                  --mib   size of each of the two buffers in MiB (default 1024; keep it far above the L2 cache)
                  --runs  timed copies after one warm-up (default 20)""";
    }

    public int run(String... args) {
        long mib = 1024;
        int runs = 20;
        int gpu = -1;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--mib" -> mib = positive(args, ++i, a);
                    case "--runs" -> runs = (int) positive(args, ++i, a);
                    case "--gpu" -> gpu = (int) positive(args, ++i, a);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("bench gpu-bandwidth: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        CudaProbe probe = CudaDriver.probe();
        if (probe.unusableReason().isPresent()) {
            err.println("bench gpu-bandwidth: " + probe.unusableReason().get());
            return 1;
        }
        int ordinal = gpu >= 0 ? gpu : probe.usableDevice().orElseThrow().ordinal();
        try {
            Result r = measure(CudaDriver.load(), ordinal, mib << 20, runs);
            out.printf(Locale.ROOT, "%s%ndevice-to-device copy, 2 x %d MiB, %d runs: best %.1f GB/s, median %.1f GB/s (read + write)%n",
                    r.device().describe(), mib, runs, r.bestBytesPerSecond() / 1e9, r.medianBytesPerSecond() / 1e9);
            if (r.device().peakBandwidth() > 0) {
                out.printf(Locale.ROOT, "theoretical peak from clock and bus width: %.1f GB/s (measured best is %.0f%%)%n",
                        r.device().peakBandwidth() / 1e9, 100 * r.bestBytesPerSecond() / r.device().peakBandwidth());
            }
            return 0;
        } catch (CudaException | IllegalArgumentException e) {
            err.println("bench gpu-bandwidth: " + e.getMessage());
            return 1;
        }
    }

    /** Times {@code runs} copies of {@code bytes} between two device buffers on GPU {@code ordinal}. */
    public static Result measure(CudaDriver driver, int ordinal, long bytes, int runs) {
        if (runs < 1 || bytes < 4) {
            throw new IllegalArgumentException("runs and bytes must be positive");
        }
        try (CudaContext ctx = driver.createContext(ordinal)) {
            DeviceBuffer a = ctx.alloc(bytes);
            DeviceBuffer b = ctx.alloc(bytes);
            CudaStream s = ctx.createStream();
            CudaEvent start = ctx.createEvent();
            CudaEvent end = ctx.createEvent();
            s.memsetD32(a, 0, 0x3f800000, bytes / 4);
            s.copyDtoD(b, 0, a, 0, bytes);
            s.synchronize();
            double[] rates = new double[runs];
            for (int i = 0; i < runs; i++) {
                s.record(start);
                s.copyDtoD((i & 1) == 0 ? b : a, 0, (i & 1) == 0 ? a : b, 0, bytes);
                s.record(end);
                end.synchronize();
                rates[i] = 2.0 * bytes / (end.elapsedMillis(start) / 1e3);
            }
            java.util.Arrays.sort(rates);
            return new Result(ctx.device(), bytes, runs, rates[runs - 1], rates[runs / 2]);
        }
    }

    private static long positive(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        try {
            long v = Long.parseLong(args[i]);
            if (v < (name.equals("--gpu") ? 0 : 1)) {
                throw new IllegalArgumentException(name + " must be " + (name.equals("--gpu") ? ">= 0" : ">= 1") + ", was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + args[i] + "' is not a whole number");
        }
    }
}
