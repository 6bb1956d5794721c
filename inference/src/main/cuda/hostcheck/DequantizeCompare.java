// Compares the GPU element dequantizer (values in exact.bin, written by decode_check) with
// Dequantize.java bit for bit.
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.tensor.Dequantize;
import java.lang.foreign.MemorySegment;
import java.nio.*;
import java.nio.file.*;

public class DequantizeCompare {
    public static void main(String[] a) throws Exception {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(Path.of("exact.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        int bad = 0;
        while (bb.hasRemaining()) {
            int id = bb.getInt(), nb = bb.getInt();
            GgmlType t = switch (id) { case 1 -> GgmlType.F16; case 2 -> GgmlType.Q4_0; case 3 -> GgmlType.Q4_1; case 8 -> GgmlType.Q8_0; case 12 -> GgmlType.Q4_K; case 13 -> GgmlType.Q5_K; case 14 -> GgmlType.Q6_K; case 30 -> GgmlType.BF16; default -> throw new IllegalStateException("" + id); };
            int bs = t.blockSize(); long bpb = t.bytesPerBlock();
            if (t == GgmlType.F16 || t == GgmlType.BF16) { bs = 8; bpb = 16; }
            byte[] raw = new byte[(int) (nb * bpb)]; bb.get(raw);
            int n = nb * bs;
            float[] gpu = new float[n]; for (int i = 0; i < n; i++) gpu[i] = bb.getFloat();
            float[] cpu = new float[n];
            Dequantize.dequantize(t, MemorySegment.ofArray(raw), 0, cpu, 0, n);
            int diff = 0;
            for (int i = 0; i < n; i++) if (Float.floatToRawIntBits(cpu[i]) != Float.floatToRawIntBits(gpu[i])) { if (diff++ < 3) System.out.println(t + " @" + i + " cpu " + cpu[i] + " gpu " + gpu[i]); }
            System.out.println(t + ": " + n + " values, " + diff + " differ in any bit");
            bad += diff;
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
