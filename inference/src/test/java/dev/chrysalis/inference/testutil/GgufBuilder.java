package dev.chrysalis.inference.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes small GGUF v3 files byte by byte, so tests can build valid and deliberately broken inputs. */
public final class GgufBuilder {

    private final List<byte[]> kvs = new ArrayList<>();
    private final List<Object[]> tensors = new ArrayList<>();
    private int alignment = 32;

    public GgufBuilder kvString(String key, String v) {
        Buf b = new Buf().str(key).u32(8).str(v);
        kvs.add(b.bytes());
        return this;
    }

    public GgufBuilder kvU32(String key, long v) {
        kvs.add(new Buf().str(key).u32(4).u32(v).bytes());
        return this;
    }

    public GgufBuilder kvF32(String key, float v) {
        kvs.add(new Buf().str(key).u32(6).f32(v).bytes());
        return this;
    }

    /** A raw key/value: key, type id and already-encoded value bytes. */
    public GgufBuilder kvRaw(String key, int type, byte[] value) {
        kvs.add(new Buf().str(key).u32(type).raw(value).bytes());
        return this;
    }

    public GgufBuilder alignment(int a) {
        this.alignment = a;
        return this;
    }

    /** A tensor with explicit GGML type id, shape and data; offsets are assigned in order. */
    public GgufBuilder tensor(String name, int type, long[] shape, byte[] data) {
        tensors.add(new Object[] {name, type, shape, data});
        return this;
    }

    public byte[] build() {
        Buf b = new Buf();
        b.u32(0x46554747L).u32(3).u64(tensors.size()).u64(kvs.size());
        for (byte[] kv : kvs) {
            b.raw(kv);
        }
        long off = 0;
        List<Long> offsets = new ArrayList<>();
        for (Object[] t : tensors) {
            long[] shape = (long[]) t[2];
            b.str((String) t[0]).u32(shape.length);
            for (long d : shape) {
                b.u64(d);
            }
            b.u32((Integer) t[1]).u64(off);
            offsets.add(off);
            off += ((byte[]) t[3]).length;
            off = (off + alignment - 1) / alignment * alignment;
        }
        b.pad(alignment);
        long start = b.size();
        for (int i = 0; i < tensors.size(); i++) {
            while (b.size() < start + offsets.get(i)) {
                b.raw(new byte[] {0});
            }
            b.raw((byte[]) tensors.get(i)[3]);
        }
        return b.bytes();
    }

    /** Little-endian byte writer. */
    public static final class Buf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Buf u32(long v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }

        public Buf u64(long v) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        public Buf f32(float v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
        }

        public Buf str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            return raw(b);
        }

        public Buf raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        public Buf pad(int a) {
            while (out.size() % a != 0) {
                out.write(0);
            }
            return this;
        }

        public int size() {
            return out.size();
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
