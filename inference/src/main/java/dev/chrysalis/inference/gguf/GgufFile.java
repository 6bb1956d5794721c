package dev.chrysalis.inference.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF (v2/v3) file mapped into memory. Metadata is parsed eagerly; tensor data stays in the mapping
 * (a {@link MemorySegment} slice per tensor), so opening a multi-gigabyte model costs no heap.
 *
 * <p>Every structural property is validated while parsing: counts and lengths against the bytes left,
 * value and tensor types, shapes, alignment, data bounds and overlap. Any violation is a
 * {@link GgufFormatException} naming the field; reading never touches memory outside the mapping.
 */
public final class GgufFile implements AutoCloseable {

    /** "GGUF" read as a little-endian int. */
    public static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_NESTING = 16;
    private static final int MAX_DIMS = 4;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensor> tensors;
    private final long dataOffset;
    private final int alignment;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, GgufMetadata metadata,
                     Map<String, GgufTensor> tensors, long dataOffset, int alignment) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataOffset = dataOffset;
        this.alignment = alignment;
    }

    /**
     * Opens a complete GGUF file: header, metadata, tensor descriptors, and checks that all tensor data
     * lies inside the file.
     *
     * @throws GgufFormatException if the file is malformed or truncated
     * @throws IOException         if it cannot be read (a missing file is a {@link NoSuchFileException})
     */
    public static GgufFile open(Path path) throws IOException {
        return open(path, true);
    }

    /**
     * Opens a GGUF file for its metadata only (e.g. a tokenizer vocabulary file): tensor descriptors and
     * data are not read, so files that ship without (or with truncated) tensor data still open.
     */
    public static GgufFile openMetadataOnly(Path path) throws IOException {
        return open(path, false);
    }

    private static GgufFile open(Path path, boolean withTensors) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if (withTensors && size >= HugePages.MIN_FILE_SIZE && HugePages.available() && HugePages.advise(seg)
                    && !HugePages.pmdMapped(seg) && HugePages.dropPageCache(path)) {
                // cached in small pages: map again so the weights are read back into 2 MiB pages
                arena.close();
                arena = Arena.ofShared();
                seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                HugePages.advise(seg);
            }
            Parser p = new Parser(path, seg);
            GgufFile f = p.parse(arena, withTensors);
            return f;
        } catch (RuntimeException | IOException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** Tensors by name, in file order (empty for a metadata-only open). */
    public Map<String, GgufTensor> tensors() {
        return tensors;
    }

    public Optional<GgufTensor> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The named tensor, or a {@link GgufFormatException} saying it is missing. */
    public GgufTensor requireTensor(String name) {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new GgufFormatException("tensor '" + name + "': missing from " + path.getFileName());
        }
        return t;
    }

    public long dataOffset() {
        return dataOffset;
    }

    public int alignment() {
        return alignment;
    }

    public long fileSize() {
        return mapping.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }

    /** A bounds-checked little-endian cursor over the mapping. */
    private static final class Parser {
        private final Path path;
        private final MemorySegment seg;
        private final long size;
        private long pos;

        Parser(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
            this.size = seg.byteSize();
        }

        GgufFile parse(Arena arena, boolean withTensors) {
            need(4, "magic");
            int magic = seg.get(I32, pos);
            pos += 4;
            if (magic != MAGIC) {
                throw fail("header: magic 0x%08x is not GGUF (file %s)".formatted(magic, path.getFileName()));
            }
            int version = u32("header.version");
            if (version != 2 && version != 3) {
                throw fail("header.version: " + Integer.toUnsignedString(version) + " is not supported (only GGUF v2 and v3)");
            }
            long tensorCount = u64("header.tensor_count");
            long kvCount = u64("header.metadata_kv_count");
            if (tensorCount < 0 || tensorCount > (size - pos) / 32) {
                throw fail("header.tensor_count: " + Long.toUnsignedString(tensorCount) + " tensors cannot fit in a file of " + size + " bytes");
            }
            if (kvCount < 0 || kvCount > (size - pos) / 12) {
                throw fail("header.metadata_kv_count: " + Long.toUnsignedString(kvCount) + " entries cannot fit in a file of " + size + " bytes");
            }
            Map<String, GgufValue> kv = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string("metadata key #" + i);
                if (key.isEmpty()) {
                    throw fail("metadata key #" + i + ": empty key");
                }
                long typeId = Integer.toUnsignedLong(u32("metadata '" + key + "' type"));
                GgufValueType type = GgufValueType.fromId(typeId)
                        .orElseThrow(() -> fail("metadata '" + key + "': type " + typeId + " is not a GGUF value type"));
                GgufValue value = value(type, "metadata '" + key + "'", 0);
                if (kv.put(key, value) != null) {
                    throw fail("metadata '" + key + "': duplicate key");
                }
            }
            GgufMetadata metadata = new GgufMetadata(kv);
            int alignment = DEFAULT_ALIGNMENT;
            Optional<GgufValue> al = metadata.get("general.alignment");
            if (al.isPresent()) {
                if (!(al.get() instanceof GgufValue.IntValue iv) || iv.value() <= 0 || iv.value() > (1 << 20)
                        || Long.bitCount(iv.value()) != 1) {
                    throw fail("metadata 'general.alignment': " + al.get() + " is not a positive power of two");
                }
                alignment = (int) iv.value();
            }
            if (!withTensors) {
                return new GgufFile(path, arena, seg, version, metadata, Map.of(), -1, alignment);
            }
            List<long[]> ranges = new ArrayList<>();
            List<String> names = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            List<GgmlType> types = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            for (long i = 0; i < tensorCount; i++) {
                String name = string("tensor #" + i + " name");
                String where = "tensor '" + name + "'";
                int nDims = u32(where + " n_dims");
                if (nDims < 1 || nDims > MAX_DIMS) {
                    throw fail(where + ": n_dims " + Integer.toUnsignedString(nDims) + " is not in 1.." + MAX_DIMS);
                }
                long[] shape = new long[nDims];
                long elements = 1;
                for (int d = 0; d < nDims; d++) {
                    shape[d] = u64(where + " dim " + d);
                    if (shape[d] <= 0) {
                        throw fail(where + ": dimension " + d + " is " + Long.toUnsignedString(shape[d]) + " (must be positive)");
                    }
                    try {
                        elements = Math.multiplyExact(elements, shape[d]);
                    } catch (ArithmeticException e) {
                        throw fail(where + ": element count overflows");
                    }
                }
                long typeId = Integer.toUnsignedLong(u32(where + " type"));
                GgmlType type = GgmlType.fromId(typeId)
                        .orElseThrow(() -> fail(where + ": type " + typeId + " is not a GGML type"));
                if (shape[0] % type.blockSize() != 0) {
                    throw fail(where + ": row length " + shape[0] + " is not a multiple of the " + type + " block size " + type.blockSize());
                }
                long offset = u64(where + " offset");
                if (offset < 0 || offset % alignment != 0) {
                    throw fail(where + ": data offset " + Long.toUnsignedString(offset) + " is not aligned to " + alignment);
                }
                long bytes;
                try {
                    bytes = type.byteSize(elements);
                } catch (ArithmeticException e) {
                    throw fail(where + ": byte size overflows");
                }
                if (!seen.add(name)) {
                    throw fail(where + ": duplicate tensor name");
                }
                names.add(name);
                types.add(type);
                shapes.add(shape);
                ranges.add(new long[] {offset, bytes, i});
            }
            long dataOffset = align(pos, alignment);
            if (tensorCount > 0 && dataOffset > size) {
                throw fail("tensor data: section starts at " + dataOffset + " beyond the end of the file (" + size + " bytes): truncated");
            }
            Map<String, GgufTensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                long[] r = ranges.get(i);
                String where = "tensor '" + names.get(i) + "'";
                if (r[0] > size - dataOffset || r[1] > size - dataOffset - r[0]) {
                    throw fail(where + ": data [" + (dataOffset + r[0]) + ", +" + r[1] + ") extends beyond the end of the file ("
                            + size + " bytes): truncated");
                }
                long abs = dataOffset + r[0];
                tensors.put(names.get(i), new GgufTensor(names.get(i), types.get(i), shapes.get(i), abs, r[1],
                        seg.asSlice(abs, r[1])));
            }
            List<long[]> sorted = new ArrayList<>(ranges);
            sorted.sort(Comparator.comparingLong(a -> a[0]));
            for (int i = 1; i < sorted.size(); i++) {
                long[] prev = sorted.get(i - 1);
                long[] cur = sorted.get(i);
                if (prev[0] + prev[1] > cur[0]) {
                    throw fail("tensor '" + names.get((int) cur[2]) + "': data overlaps tensor '" + names.get((int) prev[2]) + "'");
                }
            }
            return new GgufFile(path, arena, seg, version, metadata, Collections.unmodifiableMap(tensors), dataOffset, alignment);
        }

        private GgufValue value(GgufValueType type, String where, int depth) {
            return switch (type) {
                case UINT8 -> new GgufValue.IntValue(type, Byte.toUnsignedLong(u8(where)));
                case INT8 -> new GgufValue.IntValue(type, u8(where));
                case UINT16 -> new GgufValue.IntValue(type, Short.toUnsignedLong(u16(where)));
                case INT16 -> new GgufValue.IntValue(type, u16(where));
                case UINT32 -> new GgufValue.IntValue(type, Integer.toUnsignedLong(u32(where)));
                case INT32 -> new GgufValue.IntValue(type, u32(where));
                case UINT64, INT64 -> new GgufValue.IntValue(type, u64(where));
                case FLOAT32 -> {
                    need(4, where);
                    float f = seg.get(F32, pos);
                    pos += 4;
                    yield new GgufValue.FloatValue(type, f);
                }
                case FLOAT64 -> {
                    need(8, where);
                    double d = seg.get(F64, pos);
                    pos += 8;
                    yield new GgufValue.FloatValue(type, d);
                }
                case BOOL -> new GgufValue.BoolValue(bool(where));
                case STRING -> new GgufValue.StringValue(string(where));
                case ARRAY -> array(where, depth);
            };
        }

        private GgufValue.ArrayValue array(String where, int depth) {
            if (depth >= MAX_NESTING) {
                throw fail(where + ": arrays nested deeper than " + MAX_NESTING);
            }
            long typeId = Integer.toUnsignedLong(u32(where + " element type"));
            GgufValueType et = GgufValueType.fromId(typeId)
                    .orElseThrow(() -> fail(where + ": array element type " + typeId + " is not a GGUF value type"));
            long count = u64(where + " array length");
            if (count < 0 || count > (size - pos) / et.minBytes() || count > Integer.MAX_VALUE - 16) {
                throw fail(where + ": array of " + Long.toUnsignedString(count) + " " + et + " values cannot fit in the "
                        + (size - pos) + " bytes left");
            }
            int n = (int) count;
            if (et.isInteger()) {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = ((GgufValue.IntValue) value(et, where, depth)).value();
                }
                return new GgufValue.IntArray(et, v);
            }
            return switch (et) {
                case FLOAT32, FLOAT64 -> {
                    double[] v = new double[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = ((GgufValue.FloatValue) value(et, where, depth)).value();
                    }
                    yield new GgufValue.FloatArray(et, v);
                }
                case BOOL -> {
                    boolean[] v = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = bool(where);
                    }
                    yield new GgufValue.BoolArray(v);
                }
                case STRING -> {
                    List<String> v = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        v.add(string(where + "[" + i + "]"));
                    }
                    yield new GgufValue.StringArray(Collections.unmodifiableList(v));
                }
                case ARRAY -> {
                    List<GgufValue.ArrayValue> v = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        v.add(array(where + "[" + i + "]", depth + 1));
                    }
                    yield new GgufValue.NestedArray(Collections.unmodifiableList(v));
                }
                default -> throw new IllegalStateException("unreachable: " + et);
            };
        }

        private boolean bool(String where) {
            byte b = u8(where);
            if (b != 0 && b != 1) {
                throw fail(where + ": bool byte " + b + " is neither 0 nor 1");
            }
            return b == 1;
        }

        private String string(String where) {
            long len = u64(where + " length");
            if (len < 0 || len > size - pos || len > Integer.MAX_VALUE - 16) {
                throw fail(where + ": string length " + Long.toUnsignedString(len) + " exceeds the " + (size - pos) + " bytes left");
            }
            byte[] b = new byte[(int) len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
            pos += len;
            return new String(b, StandardCharsets.UTF_8);
        }

        private byte u8(String where) {
            need(1, where);
            return seg.get(ValueLayout.JAVA_BYTE, pos++);
        }

        private short u16(String where) {
            need(2, where);
            short v = seg.get(I16, pos);
            pos += 2;
            return v;
        }

        private int u32(String where) {
            need(4, where);
            int v = seg.get(I32, pos);
            pos += 4;
            return v;
        }

        private long u64(String where) {
            need(8, where);
            long v = seg.get(I64, pos);
            pos += 8;
            return v;
        }

        private void need(long n, String where) {
            if (size - pos < n) {
                throw fail(where + ": truncated at byte " + pos + " (file has " + size + " bytes)");
            }
        }

        private GgufFormatException fail(String message) {
            return new GgufFormatException(message);
        }

        private static long align(long p, int alignment) {
            return (p + alignment - 1) / alignment * alignment;
        }
    }
}
