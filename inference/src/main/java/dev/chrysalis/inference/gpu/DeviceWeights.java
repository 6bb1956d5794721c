package dev.chrysalis.inference.gpu;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gpu.cuda.CudaContext;
import dev.chrysalis.inference.gpu.cuda.CudaStream;
import dev.chrysalis.inference.gpu.cuda.DeviceBuffer;
import dev.chrysalis.inference.model.LayerWeights;
import dev.chrysalis.inference.model.ModelWeights;
import dev.chrysalis.inference.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's weights in one device allocation: every matrix as its raw GGUF bytes (quantized types stay
 * quantized; the kernels dequantize on the fly), norm vectors, biases and RoPE frequency factors as
 * float32. A matrix that two roles share (a tied output and embedding) is uploaded once.
 */
final class DeviceWeights implements AutoCloseable {

    /** A weight matrix on the device: {@code rows} rows of {@code cols} values of {@code type}. */
    record Matrix(String name, DeviceBuffer data, GgmlType type, int rows, int cols) {
    }

    record Layer(DeviceBuffer attnNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo, Optional<DeviceBuffer> bq,
                 Optional<DeviceBuffer> bk, Optional<DeviceBuffer> bv, Optional<DeviceBuffer> qNorm,
                 Optional<DeviceBuffer> kNorm, DeviceBuffer ffnNorm, Matrix wGate, Matrix wUp, Matrix wDown) {
    }

    final Matrix embedding;
    final List<Layer> layers;
    final DeviceBuffer outputNorm;
    final Matrix output;
    final Optional<DeviceBuffer> ropeFreqFactors;
    private final DeviceBuffer all;

    private DeviceWeights(DeviceBuffer all, Layout layout, ModelWeights w) {
        this.all = all;
        this.embedding = layout.matrix(all, w.tokenEmbedding());
        List<Layer> ls = new ArrayList<>(w.layers().size());
        for (LayerWeights l : w.layers()) {
            ls.add(new Layer(layout.floats(all, l.attnNorm()), layout.matrix(all, l.wq()), layout.matrix(all, l.wk()),
                    layout.matrix(all, l.wv()), layout.matrix(all, l.wo()), l.bq().map(b -> layout.floats(all, b)),
                    l.bk().map(b -> layout.floats(all, b)), l.bv().map(b -> layout.floats(all, b)),
                    l.qNorm().map(b -> layout.floats(all, b)), l.kNorm().map(b -> layout.floats(all, b)),
                    layout.floats(all, l.ffnNorm()), layout.matrix(all, l.wGate()), layout.matrix(all, l.wUp()),
                    layout.matrix(all, l.wDown())));
        }
        this.layers = List.copyOf(ls);
        this.outputNorm = layout.floats(all, w.outputNorm());
        this.output = layout.matrix(all, w.output());
        this.ropeFreqFactors = w.ropeFreqFactors().map(f -> layout.floats(all, f));
    }

    /** Device bytes the weights of {@code w} take. */
    static long bytes(ModelWeights w) {
        return new Layout(w).packing.size();
    }

    /** Allocates and copies every weight of {@code w}; returns once the copies are complete. */
    static DeviceWeights upload(CudaContext ctx, CudaStream stream, ModelWeights w) {
        Layout layout = new Layout(w);
        DeviceBuffer all = ctx.alloc(layout.packing.size());
        try (Arena staging = Arena.ofConfined()) {
            for (Map.Entry<SegmentKey, Long> e : layout.segments.entrySet()) {
                stream.copyHtoD(all, e.getValue(), e.getKey().segment(), e.getKey().segment().byteSize());
            }
            for (Map.Entry<float[], Long> e : layout.floats.entrySet()) {
                float[] f = e.getKey();
                MemorySegment s = staging.allocate(ValueLayout.JAVA_FLOAT, f.length);
                MemorySegment.copy(f, 0, s, ValueLayout.JAVA_FLOAT, 0, f.length);
                stream.copyHtoD(all, e.getValue(), s, s.byteSize());
            }
            // the staging arena and the mapped file must outlive the copies
            stream.synchronize();
        } catch (RuntimeException | Error ex) {
            all.close();
            throw ex;
        }
        return new DeviceWeights(all, layout, w);
    }

    /** Bytes of the single allocation. */
    long byteSize() {
        return all.byteSize();
    }

    @Override
    public void close() {
        all.close();
    }

    /** Identity of a matrix's bytes: where they are mapped and how many (two views of one tensor are one key). */
    private record SegmentKey(long address, long bytes, MemorySegment segment) {

        @Override
        public boolean equals(Object o) {
            return o instanceof SegmentKey k && k.address == address && k.bytes == bytes;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(address) * 31 + Long.hashCode(bytes);
        }
    }

    /** Where each array goes in the allocation, walked in a fixed order so sizing and upload agree. */
    private static final class Layout {
        final DevicePacking packing = new DevicePacking();
        final Map<SegmentKey, Long> segments = new LinkedHashMap<>();
        final Map<float[], Long> floats = new IdentityHashMap<>();

        Layout(ModelWeights w) {
            place(w.tokenEmbedding());
            for (LayerWeights l : w.layers()) {
                place(l.attnNorm());
                for (WeightMatrix m : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) {
                    place(m);
                }
                for (Optional<float[]> o : List.of(l.bq(), l.bk(), l.bv(), l.qNorm(), l.kNorm())) {
                    o.ifPresent(this::place);
                }
                place(l.ffnNorm());
            }
            place(w.outputNorm());
            place(w.output());
            w.ropeFreqFactors().ifPresent(this::place);
        }

        private long place(WeightMatrix m) {
            MemorySegment s = m.data();
            return segments.computeIfAbsent(new SegmentKey(s.address(), s.byteSize(), s), k -> packing.add(k.bytes()));
        }

        private long place(float[] f) {
            return floats.computeIfAbsent(f, a -> packing.add(4L * a.length));
        }

        Matrix matrix(DeviceBuffer all, WeightMatrix m) {
            return new Matrix(m.name(), all.slice(place(m), m.byteSize()), m.type(), m.rows(), m.cols());
        }

        DeviceBuffer floats(DeviceBuffer all, float[] f) {
            return all.slice(place(f), 4L * f.length);
        }
    }
}
