package dev.chrysalis.inference.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF v3 file: header, the metadata in the order given, the tensor descriptors, then each
 * tensor's data at the next multiple of the alignment. The file appears under its name only when complete
 * (written to {@code name.tmp}, then moved), so a failed or interrupted write never leaves a truncated model.
 */
public final class GgufWriter {

    /** One tensor: its name, GGUF dimensions ({@code ne[0]} is the contiguous row length) and type. */
    public record TensorSpec(String name, long[] ne, GgmlType type) {

        public long elements() {
            long n = 1;
            for (long d : ne) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        public long bytes() {
            if (elements() % type.blockSize() != 0) {
                throw new IllegalArgumentException(name + ": " + elements() + " elements are not whole " + type + " blocks of " + type.blockSize());
            }
            return type.byteSize(elements());
        }
    }

    /** Supplies a tensor's data: called once per tensor, in order, to write all of its bytes to the sink. */
    @FunctionalInterface
    public interface TensorData {
        void write(int index, TensorSpec tensor, DataSink sink) throws IOException;
    }

    /** Where tensor bytes go; the writer checks that each tensor gets exactly its size. */
    @FunctionalInterface
    public interface DataSink {
        void put(ByteBuffer bytes) throws IOException;
    }

    private GgufWriter() {
    }

    /** Writes {@code out} and returns its size in bytes. */
    public static long write(Path out, Map<String, GgufValue> metadata, List<TensorSpec> tensors, int alignment, TensorData data) throws IOException {
        if (alignment <= 0 || alignment % 8 != 0) {
            throw new IllegalArgumentException("alignment " + alignment + " must be a positive multiple of 8");
        }
        List<Long> offsets = new ArrayList<>();
        long off = 0;
        for (TensorSpec t : tensors) {
            off = align(off, alignment);
            offsets.add(off);
            off += t.bytes();
        }
        long dataBytes = off;
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Encoder head = new Encoder();
            head.u32(GgufFile.MAGIC).u32(3).u64(tensors.size()).u64(metadata.size());
            for (Map.Entry<String, GgufValue> kv : metadata.entrySet()) {
                head.str(kv.getKey()).u32(kv.getValue().type().id());
                head.value(kv.getValue());
            }
            for (int i = 0; i < tensors.size(); i++) {
                TensorSpec t = tensors.get(i);
                head.str(t.name()).u32(t.ne().length);
                for (long d : t.ne()) {
                    head.u64(d);
                }
                head.u32(t.type().id()).u64(offsets.get(i));
            }
            head.zeros((int) (align(head.size(), alignment) - head.size()));
            long dataStart = head.size();
            writeFully(ch, head.buffer());
            for (int i = 0; i < tensors.size(); i++) {
                TensorSpec t = tensors.get(i);
                long at = dataStart + offsets.get(i);
                writeFully(ch, ByteBuffer.allocate((int) (at - ch.position())));
                long[] written = {0};
                data.write(i, t, bytes -> {
                    written[0] += bytes.remaining();
                    if (written[0] > t.bytes()) {
                        throw new IllegalStateException(t.name() + ": more than its " + t.bytes() + " bytes supplied");
                    }
                    writeFully(ch, bytes);
                });
                if (written[0] != t.bytes()) {
                    throw new IllegalStateException(t.name() + ": " + written[0] + " bytes supplied, " + t.bytes() + " needed");
                }
            }
            if (ch.position() != dataStart + dataBytes) {
                throw new IllegalStateException("wrote " + ch.position() + " bytes, expected " + (dataStart + dataBytes));
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(out);
    }

    private static long align(long v, int a) {
        return (v + a - 1) / a * a;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Little-endian encoding of the header and metadata into a growing buffer. */
    private static final class Encoder {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private Encoder room(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(buf.flip());
                buf = bigger;
            }
            return this;
        }

        Encoder u32(long v) {
            room(4).buf.putInt((int) v);
            return this;
        }

        Encoder u64(long v) {
            room(8).buf.putLong(v);
            return this;
        }

        Encoder str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            room(b.length).buf.put(b);
            return this;
        }

        Encoder zeros(int n) {
            room(n).buf.put(new byte[n]);
            return this;
        }

        long size() {
            return buf.position();
        }

        ByteBuffer buffer() {
            return buf.duplicate().flip();
        }

        void value(GgufValue v) {
            switch (v) {
                case GgufValue.IntValue i -> integer(i.type(), i.value());
                case GgufValue.FloatValue f -> real(f.type(), f.value());
                case GgufValue.BoolValue b -> room(1).buf.put((byte) (b.value() ? 1 : 0));
                case GgufValue.StringValue s -> str(s.value());
                case GgufValue.ArrayValue a -> array(a);
            }
        }

        private void array(GgufValue.ArrayValue a) {
            u32(a.elementType().id()).u64(a.size());
            switch (a) {
                case GgufValue.IntArray ia -> {
                    for (long x : ia.values()) {
                        integer(ia.elementType(), x);
                    }
                }
                case GgufValue.FloatArray fa -> {
                    for (double x : fa.values()) {
                        real(fa.elementType(), x);
                    }
                }
                case GgufValue.BoolArray ba -> {
                    for (boolean x : ba.values()) {
                        room(1).buf.put((byte) (x ? 1 : 0));
                    }
                }
                case GgufValue.StringArray sa -> sa.values().forEach(this::str);
                case GgufValue.NestedArray na -> na.values().forEach(this::array);
            }
        }

        private void integer(GgufValueType t, long v) {
            switch (t.minBytes()) {
                case 1 -> room(1).buf.put((byte) v);
                case 2 -> room(2).buf.putShort((short) v);
                case 4 -> u32(v);
                default -> u64(v);
            }
        }

        private void real(GgufValueType t, double v) {
            if (t == GgufValueType.FLOAT32) {
                room(4).buf.putFloat((float) v);
            } else {
                room(8).buf.putDouble(v);
            }
        }
    }
}
