package dev.chrysalis.inference.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_0, Q4_1, Q4_K, Q5_K, Q6_K and Q8_0 matrices repacked at load into tiles of {@link #ROWS} rows (one per float lane) and
 * multiplied with {@link Q8Activations} in 16-bit integer lanes, the way llama.cpp's repacked CPU kernels
 * work (and with its numerics: exact integer sums per block, then the float scales).
 *
 * <p>Why: the fused float kernels spend most of their instructions turning quants into floats (widen,
 * convert, one FMA per 16 weights). Here a 16-bit lane holds four 4-bit fields of one row; masks and
 * shifts expose them, and each is multiplied with a 32-bit broadcast of two activation integers, so one
 * 16-bit multiply and one add do 32 (AVX-512) multiply-adds with no conversion. A field (0..15, or -8..7)
 * times an activation (-127..127) summed over the 16 products a lane gets per block stays within 16 bits
 * (16 * 15 * 127 = 30480), so the sums are exact. Q4_0's fields are its nibbles, unsigned, which shifts in
 * 32-bit lanes and one mask expose (C2 gives 16-bit shifts their count in a vector register: an extra uop and
 * a register each), and whose offset of 8 is taken off with the block's activation sum. Q8_0's fields are its
 * signed bytes, sign-extended to 16 bits as they are loaded ({@link #q8Matvec1}). Rows being the lanes, a block ends with one
 * int-to-float conversion and one FMA per 16 rows, and a tile's dot products end in lanes: there is no
 * horizontal sum.
 *
 * <p>Layout. A (tile, block) cell is {@code (quantBytes + 2) * ROWS} bytes, as many per row-block as in GGUF, so
 * the repacked matrix is exactly as large: groups of {@code GROUP = 4 * ROWS} bytes where row r's quant bytes
 * {@code 4m..4m+3} sit at {@code 4r} of group m (Q8_0's in two halves, {@link #q8Byte}), and the ROWS f16 scales. Tiles come in groups of
 * {@link #DECODE_TILES} (the last group may be smaller), which decode multiplies together, and a group stores its
 * cells of one block as one run in the order decode reads them: quant group 0 of each tile, then group 1 of each
 * tile, and so on, then each tile's scales ({@link #quantOffset}, {@link #scaleOffset}); then the next block. So
 * decode reads one sequential stream, and each load of the four-tile kernels is next to the previous one. One
 * thread, 2048 x 2048 matrices streamed from memory: Q4_0 15.4 G weights/s with each tile's cells in a run of their
 * own, 21.3-22.2 with the group's cells interleaved whole, 26.7-29.4 in this order (the last two alternating in one
 * sitting); Q8_0, which its arithmetic bounds, 11.5-13.4 either way.
 *
 * <p>Q4_K (the bulk of the Q4_K_M files users download) tiles as Q4_0 does: each 32-value sub-block's nibbles as a
 * Q4_0 block, its 6-bit scale and min in the row's two scale bytes, the super-block's d and dmin as floats after the
 * cells ({@link #superOffset}), so the repacked matrix is 4.625 bits a weight against the file's 4.5. Its activations
 * are llama.cpp's Q8_K (one float scale per 256 values, {@link Format#superBlocks}), and a sub-block's integer sum
 * is scaled by {@code d * scale} while {@code 8 * d * scale - dmin * min} meets the activations' block sum. Before
 * (float dot products per row), TinyLlama-shaped Q4_K decoded at 12.7 tok/s and prefilled at 74; tiled, 53-55 and
 * 160-184 (Q4_0: 55-58 and 189-204, same sitting).
 *
 * <p>Q6_K (Q4_K_M's output, value and down projections) tiles as Q4_0 plus two quant groups of top bits per block: the
 * low four bits of its 6-bit values in Q4_0's nibble layout, the top two in pairs ({@link #q6TopBits}), its two 16-value
 * scales in the scale bytes, d as a float after the cells. Decode joins each nibble and its top bits, sums a block's
 * halves apart, takes 32 times the activations' sum off, and scales them in integers. 6.6 bits a weight against the
 * file's 6.6. TinyLlama-shaped: the float dot products ran about 4x slower than llama.cpp; the values as Q8_0 bytes
 * (8.6 bits a weight) decoded at 31.0 tok/s (llama.cpp 26.8) with RSS 1375 MiB for the 862 MiB file; this way 33.2
 * (llama.cpp 29.1), RSS 1141 MiB.
 *
 * <p>Q5_K (Q5_K_M's bulk) tiles as Q4_K plus a fifth quant group of high bits per block: the low four bits of its
 * values in Q4_K's nibble layout, the high bits inverted ({@link #q5HighBit}), the scales and mins as Q4_K's. Decode
 * takes each nibble less 16 where the high bit is clear, the value minus 16, and ends a block as Q4_K does. 5.75 bits a
 * weight against the file's 5.5. TinyLlama-shaped decode: 1.3 tok/s with no fused kernel (llama.cpp 28); 25-27.5 with
 * the values as Q8_0 bytes (8.75 bits a weight; RSS 1344 MiB for the 722 MiB file); 34.2 this way (llama.cpp 26.8,
 * RSS 1010 MiB).
 *
 * <p>These kernels serve decode (one token); batched products (prefill) dequantize the tiles into float
 * blocks and multiply there ({@link TiledBatch}).
 */
public final class QuantTiles {

    private static final VectorSpecies<Float> F = VectorKernels.F;
    /** Rows per tile: one float lane each. */
    public static final int ROWS = VectorKernels.L;
    /** Tiles decode multiplies together ({@link #matvec}): the unit in which its work is shared out. */
    public static final int DECODE_TILES = 4;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, F.vectorShape());
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Byte> HALF_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final VectorSpecies<Short> SCALE = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, F.vectorBitSize() / 2)));
    static final long GROUP = 4L * ROWS;
    /** Bytes from a Q8_0 quant group's first half to its second ({@link #q8Byte}). */
    static final long Q8_HALF = 2L * ROWS;

    /** The formats that tile, with their quant bytes per 32-value block and the activation pairing they need. */
    public enum Format {
        /** 16 bytes of nibble pairs (values j and j + 16); pair 4m + p meets nibble p of bytes 4m..4m+3. */
        Q4_0(16),
        /**
         * Q4_1: Q4_0's nibbles (0..15, no offset) with two f16s a row: the scale d in a slot like Q4_0's, and the min m
         * in a second slot after it ({@link #scaleBytes} 4). A value is {@code d * q + m}, as in GGUF.
         */
        Q4_1(16, 4),
        /**
         * Q4_K: each 256-value super-block's eight 32-value sub-blocks as Q4_0 blocks (the same nibble pairs, the
         * same pairing); a row's two scale bytes hold the sub-block's 6-bit scale (low byte) and min (high byte),
         * and the super-block's d and dmin, as floats, lie in a region after the cells ({@link #superOffset}). A
         * value is {@code d * scale * q - dmin * min}, as in GGUF, so the repacking loses nothing.
         */
        Q4_K(16),
        /**
         * 32 signed bytes, as in GGUF; pair 2g + k meets byte 4g + k (low 16-bit lane) and 4g + k + 2 (high
         * lane). A quant group holds bytes 4g and 4g + 2 of every row in its first half, 4g + 1 and 4g + 3 in its
         * second ({@link #q8Byte}).
         */
        Q8_0(32),
        /**
         * Q6_K: each 32-value block of a super-block as a Q4_0 block of the low four bits of its 6-bit values (the same
         * nibble pairs, the same pairing) and quant groups 4 and 5 of their top two bits ({@link #q6TopBits}); a row's two
         * scale bytes hold the signed 8-bit scales of the block's two 16-value halves, and the super-block's d, as a
         * float, lies after the cells ({@link #superOffset}). A value is {@code d * scale * (q - 32)}, as in GGUF.
         */
        Q6_K(24),
        /**
         * Q5_K: each 32-value sub-block of a super-block as a Q4_K block of its low four bits (the same nibble pairs, the
         * same pairing) and a fifth quant group of its inverted high bits ({@link #q5HighBit}); a row's two scale bytes
         * hold the sub-block's 6-bit scale and min as Q4_K's do, and the super-block's d and dmin, as floats, lie after
         * the cells ({@link #superOffset}). A value is {@code d * scale * q - dmin * min}, as in GGUF.
         */
        Q5_K(20);

        final int quantBytes;
        /** Bytes a row of a tile's block holds after its quants: one f16 slot, two for Q4_1. */
        final int scaleBytes;

        Format(int quantBytes) {
            this(quantBytes, 2);
        }

        Format(int quantBytes, int scaleBytes) {
            this.quantBytes = quantBytes;
            this.scaleBytes = scaleBytes;
        }

        /**
         * The block value in the low half of activation pair {@code i} (0..15); the high half holds the
         * value two further on. Q8_0 pairs its bytes; every other format is a nibble format.
         */
        int first(int i) {
            return this == Q8_0 ? byteFirst(i) : nibbleFirst(i);
        }

        long cell() {
            return ((long) quantBytes + scaleBytes) * ROWS;
        }

        /** Whether its activations are quantized per 256 values, llama.cpp's Q8_K (K-quants), not per 32 (Q8_0). */
        public boolean superBlocks() {
            return this == Q4_K || this == Q5_K || this == Q6_K;
        }

        /** Bytes of a tile's super-block floats (K-quants): d and dmin per row for Q4_K and Q5_K, d for Q6_K. */
        long superBytes() {
            return switch (this) {
                case Q4_K, Q5_K -> 8L * ROWS;
                case Q6_K -> 4L * ROWS;
                default -> 0;
            };
        }

        long scales() {
            return (long) quantBytes * ROWS;
        }
    }

    /** The value in the low half of activation pair {@code i} of the byte format (Q8_0). */
    private static int byteFirst(int i) {
        return 4 * (i >> 1) + (i & 1);
    }

    /** The value in the low half of activation pair {@code i} of the nibble formats (Q4_0, Q4_1, Q4_K, Q5_K, Q6_K). */
    private static int nibbleFirst(int i) {
        int m = i >> 2;
        int p = i & 3;
        return 4 * m + (p >> 1) + 16 * (p & 1);
    }

    /**
     * The bit of a Q5_K row's high-bit int (quant group 4 of its block) that holds value {@code j}'s high bit, inverted:
     * bit {@code i} for the value in the low half of activation pair i, bit {@code 16 + i} for the value in the high
     * half. So pair i's two bits come to 4 and 20 shifting the int right by {@code i - i % 4} and left by
     * {@code 4 - i % 4}, and one mask makes them the 16s that turn the pair's nibbles n into {@code n - 16} where the
     * high bit is clear: the values minus 16, -16..15.
     */
    static int q5HighBit(int j) {
        return nibblePair(j) + 16 * ((j >> 1) & 1);
    }

    /** The activation pair of the nibble formats whose low or high half meets value {@code j} (see {@link #nibbleFirst}). */
    private static int nibblePair(int j) {
        return 4 * ((j & 15) >> 2) + 2 * (j & 1) + (j >> 4);
    }

    /**
     * Where a Q6_K row keeps value {@code j}'s top two bits: in quant group {@code 4 + i / 8} for activation pair i (of
     * quant groups 4i/4..), at bit {@code 2 * (i % 8)}, {@code 16} further for the value in the pair's high half;
     * returned as {@code 32 * (group - 4) + bit}. So pairs 4m..4m+3's bits lie at 0..7 and 16..23 of their group shifted
     * right by {@code 8 * (m % 2)}, and pair 4m + k's come to 4 and 20 shifting that left by {@code 4 - 2k} (right by 2
     * for k = 3): one mask makes them {@code 16 * top}, which joins the nibble's four bits.
     */
    static int q6TopBits(int j) {
        int pair = nibblePair(j);
        return 32 * (pair >> 3) + 2 * (pair & 7) + 16 * ((j >> 1) & 1);
    }

    /** {@link #q5HighBit} of each value of a block. */
    private static final int[] Q5_HIGH_BITS = java.util.stream.IntStream.range(0, 32).map(QuantTiles::q5HighBit).toArray();
    /** {@link #q6TopBits} of each value of a block. */
    private static final int[] Q6_TOP_BITS = java.util.stream.IntStream.range(0, 32).map(QuantTiles::q6TopBits).toArray();

    private static final long Q4_CELL = Format.Q4_0.cell();
    private static final long Q41_CELL = Format.Q4_1.cell();
    private static final long Q5_CELL = Format.Q5_K.cell();
    private static final long Q6_CELL = Format.Q6_K.cell();
    private static final long Q6_SCALES = Format.Q6_K.scales();
    private static final long Q5_SCALES = Format.Q5_K.scales();
    /** A Q4_K tile's super-block floats: ROWS d, then ROWS dmin. */
    static final long SUPER = Format.Q4_K.superBytes();
    /** A Q6_K tile's super-block floats: ROWS d. */
    private static final long SUPER6 = Format.Q6_K.superBytes();
    /** A Q5_K tile's super-block floats: ROWS d, then ROWS dmin. */
    private static final long SUPER5 = Format.Q5_K.superBytes();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long Q4_SCALES = Format.Q4_0.scales();
    private static final long Q8_CELL = Format.Q8_0.cell();
    private static final long Q8_SCALES = Format.Q8_0.scales();
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private QuantTiles() {
    }

    /** Whether a matrix of {@code rows} x {@code cols} can be tiled on this machine (AVX2 or AVX-512 lanes). */
    public static boolean fits(int rows, int cols) {
        return VectorKernels.VECTOR && cols % 32 == 0 && rows > 0 && cols > 0;
    }

    /** Tiles of a matrix of {@code rows} rows; the last one is padded with zero rows. */
    public static int tiles(int rows) {
        return (rows + ROWS - 1) / ROWS;
    }

    /** Bytes of the tiled copy of a {@code rows} x {@code cols} matrix. */
    public static long byteSize(Format f, int rows, int cols) {
        return (long) tiles(rows) * (cols >> 5) * f.cell() + (long) tiles(rows) * (cols >> 8) * f.superBytes();
    }

    /**
     * Copies tiles {@code [t0, t1)} of the GGML matrix {@code src} ({@code rows} x {@code cols}, format
     * {@code f}) into {@code dst}, which must be zeroed (padding rows stay zero: zero scales, zero products).
     */
    public static void repack(Format f, MemorySegment src, MemorySegment dst, int rows, int cols, int t0, int t1) {
        if (f == Format.Q4_K || f == Format.Q5_K) {
            repackK4(f, src, dst, rows, cols, t0, t1);
            return;
        }
        if (f == Format.Q6_K) {
            repackQ6K(src, dst, rows, cols, t0, t1);
            return;
        }
        int blocks = cols >> 5;
        long blockBytes = (long) f.quantBytes + f.scaleBytes; // as in GGUF: the f16s (d, Q4_1's m too), then the quants
        long rowBytes = blockBytes * blocks;
        int groups = f.quantBytes / 4;
        int tiles = tiles(rows);
        for (int t = t0; t < t1; t++) {
            long quantStride = quantStride(tiles, t);
            long stride = blockStride(f, tiles, t);
            for (int r = 0; r < Math.min(ROWS, rows - t * ROWS); r++) {
                long row = (long) (t * ROWS + r) * rowBytes;
                long quant = quantOffset(f, tiles, blocks, t, 0);
                long scale = scaleOffset(f, tiles, blocks, t, 0) + 2L * r;
                for (int b = 0; b < blocks; b++, quant += stride, scale += stride) {
                    long bo = row + blockBytes * b;
                    // each f16 of the block (Q4_1: d, then m) into its slot of ROWS
                    for (int slot = 0; slot < f.scaleBytes / 2; slot++) {
                        dst.set(I16, scale + 2L * ROWS * slot, src.get(I16, bo + 2L * slot));
                    }
                    for (int m = 0; m < groups; m++) {
                        int four = src.get(I32, bo + f.scaleBytes + 4L * m);
                        if (f == Format.Q8_0) {
                            // bytes 0 and 2 to the group's first half, 1 and 3 to its second (q8Byte)
                            long at = quant + quantStride * m + 2L * r;
                            dst.set(I16, at, (short) (four & 0xFF | four >>> 8 & 0xFF00));
                            dst.set(I16, at + Q8_HALF, (short) (four >>> 8 & 0xFF | four >>> 16 & 0xFF00));
                        } else {
                            dst.set(I32, quant + quantStride * m + 4L * r, four);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #repack} of a Q4_K or Q5_K matrix: sub-block j of a super-block is the low (j even) or high nibbles of its
     * 32 bytes {@code 16 * (j / 2)..}, value l in byte l; as a Q4_0 block, byte i holds value i (low nibble)
     * and value i + 16 (high), so four bytes of each half make one int of the tile. Q5_K's value l of sub-block j has
     * 16 more where bit j of byte l of qh is set (ggml's order): those bits, inverted, go into quant group 4
     * ({@link #q5HighBit}). The sub-block's scale and min share a slot; d and dmin become floats.
     */
    private static void repackK4(Format f, MemorySegment src, MemorySegment dst, int rows, int cols, int t0, int t1) {
        boolean q5 = f == Format.Q5_K;
        long superBytes = q5 ? 176 : 144;
        long quantsAt = q5 ? 48 : 16; // after d, dmin, the 12 bytes of scales and mins, and Q5_K's 32 bytes of qh
        int blocks = cols >> 5;
        int supers = cols >> 8;
        long rowBytes = superBytes * supers;
        int tiles = tiles(rows);
        long floats = f.superBytes() / 2; // a tile's d floats, then its dmin floats
        long[] qh = new long[4];
        for (int t = t0; t < t1; t++) {
            long quantStride = quantStride(tiles, t);
            long stride = blockStride(f, tiles, t);
            long superStride = inGroup(tiles, t) * f.superBytes();
            for (int r = 0; r < Math.min(ROWS, rows - t * ROWS); r++) {
                long row = (long) (t * ROWS + r) * rowBytes;
                long quant = quantOffset(f, tiles, blocks, t, 0) + 4L * r;
                long scale = scaleOffset(f, tiles, blocks, t, 0) + 2L * r;
                long sup = superOffset(f, tiles, blocks, t, 0) + 4L * r;
                for (int sb = 0; sb < supers; sb++, sup += superStride) {
                    long bo = row + superBytes * sb;
                    dst.set(F32, sup, Float.float16ToFloat(src.get(I16, bo)));
                    dst.set(F32, sup + floats, Float.float16ToFloat(src.get(I16, bo + 2)));
                    long packed = src.get(I64, bo + 4);
                    int high = src.get(I32, bo + 12);
                    for (int i = 0; q5 && i < 4; i++) {
                        qh[i] = src.get(I64, bo + 16 + 8L * i);
                    }
                    for (int j = 0; j < 8; j++, quant += stride, scale += stride) {
                        int scaleAndMin = VectorKernels.k4Scale(packed, high, j) | VectorKernels.k4Min(packed, high, j) << 8;
                        dst.set(I16, scale, (short) scaleAndMin);
                        long qs = bo + quantsAt + 32L * (j >> 1);
                        for (int m = 0; m < 4; m++) {
                            dst.set(I32, quant + quantStride * m, subBlockNibbles(src, qs, j, m));
                        }
                        if (q5) {
                            // bit j of qh's byte l: bit 8 * (l % 8) + j of its long
                            int inverted = 0;
                            for (int l = 0; l < 32; l++) {
                                inverted |= (int) (~qh[l >> 3] >>> (8 * (l & 7) + j) & 1) << Q5_HIGH_BITS[l];
                            }
                            dst.set(I32, quant + quantStride * 4, inverted);
                        }
                    }
                }
            }
        }
    }

    /**
     * Quant group m of a Q4_K or Q5_K sub-block j as a Q4_0 block's: values 4m..4m+3 (low nibbles) and 4m+16..4m+19 (high),
     * from the low (j even) or high nibbles of the 32 bytes at {@code qs}, which hold the sub-block's value l in byte l.
     */
    private static int subBlockNibbles(MemorySegment src, long qs, int j, int m) {
        int lo = src.get(I32, qs + 4L * m);
        int hi = src.get(I32, qs + 16 + 4L * m);
        return (j & 1) == 0 ? (lo & 0x0F0F0F0F) | (hi & 0x0F0F0F0F) << 4 : (lo >>> 4 & 0x0F0F0F0F) | (hi & 0xF0F0F0F0);
    }

    /**
     * Where tile {@code t}'s d and dmin floats of super-block {@code sb} are (Q4_K): after all cells, group by
     * group, super-block by super-block, the group's tiles within, so decode reads them in order.
     */
    static long superOffset(Format f, int tiles, int blocks, int t, int sb) {
        int first = t - t % DECODE_TILES;
        return (long) tiles * blocks * f.cell() + ((long) first * (blocks >> 3) + (long) sb * inGroup(tiles, t) + t % DECODE_TILES) * f.superBytes();
    }

    /**
     * {@link #repack} of a Q6_K matrix: its 6-bit values (low 4 bits in ql, high 2 in qh; ggml's order) as Q4_0 blocks of
     * their low four bits and two quant groups of their top two ({@link #q6TopBits}), the 16-value scales two to a row's
     * scale slot, d as a float.
     */
    private static void repackQ6K(MemorySegment src, MemorySegment dst, int rows, int cols, int t0, int t1) {
        Format f = Format.Q6_K;
        int blocks = cols >> 5;
        int supers = cols >> 8;
        long rowBytes = 210L * supers;
        int tiles = tiles(rows);
        long[] qh = new long[8];
        for (int t = t0; t < t1; t++) {
            long quantStride = quantStride(tiles, t);
            long stride = blockStride(f, tiles, t);
            long superStride = inGroup(tiles, t) * SUPER6;
            for (int r = 0; r < Math.min(ROWS, rows - t * ROWS); r++) {
                long row = (long) (t * ROWS + r) * rowBytes;
                long quant = quantOffset(f, tiles, blocks, t, 0) + 4L * r;
                long scale = scaleOffset(f, tiles, blocks, t, 0) + 2L * r;
                long sup = superOffset(f, tiles, blocks, t, 0) + 4L * r;
                for (int sb = 0; sb < supers; sb++, sup += superStride) {
                    long bo = row + 210L * sb;
                    dst.set(F32, sup, Float.float16ToFloat(src.get(I16, bo + 208)));
                    for (int i = 0; i < 8; i++) {
                        qh[i] = src.get(I64, bo + 128 + 8L * i);
                    }
                    // sub-block j = 4n + k: its values l are the low (k < 2) or high nibbles of ql[64n + 32(k % 2) + l]
                    // and bits 2k, 2k + 1 of qh[32n + l] (ggml's order), whole words at a time
                    for (int j = 0; j < 8; j++, quant += stride, scale += stride) {
                        int n = j >> 2;
                        int k = j & 3;
                        dst.set(I16, scale, src.get(I16, bo + 192 + 2 * j));
                        long ql = bo + 64L * n + 32 * (k & 1);
                        int shift = 4 * (k >> 1);
                        for (int m = 0; m < 4; m++) {
                            int lo = src.get(I32, ql + 4L * m) >>> shift & 0x0F0F0F0F;
                            int hi = src.get(I32, ql + 16 + 4L * m) >>> shift & 0x0F0F0F0F;
                            dst.set(I32, quant + quantStride * m, lo | hi << 4);
                        }
                        long tops = 0; // quant groups 4 and 5, low and high int
                        for (int l = 0; l < 32; l++) {
                            tops |= (qh[4 * n + (l >> 3)] >>> (8 * (l & 7) + 2 * k) & 3) << Q6_TOP_BITS[l];
                        }
                        dst.set(I32, quant + quantStride * 4, (int) tops);
                        dst.set(I32, quant + quantStride * 5, (int) (tops >>> 32));
                    }
                }
            }
        }
    }


    /** Tiles in {@code t}'s group (of a matrix of {@code tiles}): {@link #DECODE_TILES}, fewer in the last group. */
    private static int inGroup(int tiles, int t) {
        return Math.min(DECODE_TILES, tiles - (t - t % DECODE_TILES));
    }

    /** Where the run of block {@code b} of {@code t}'s group starts: see the class comment. */
    private static long run(Format f, int tiles, int blocks, int t, int b) {
        int first = t - t % DECODE_TILES;
        return ((long) first * blocks + (long) b * inGroup(tiles, t)) * f.cell();
    }

    /** Where quant group 0 of tile {@code t}, block {@code b} is; group m is {@link #quantStride} further per m. */
    static long quantOffset(Format f, int tiles, int blocks, int t, int b) {
        return run(f, tiles, blocks, t, b) + (long) (t % DECODE_TILES) * GROUP;
    }

    /** Bytes from one quant group of a tile to its next: the groups of the other tiles of its group lie between. */
    static long quantStride(int tiles, int t) {
        return inGroup(tiles, t) * GROUP;
    }

    /** Where the ROWS f16 scales of tile {@code t}, block {@code b} are (Q4_1: then its ROWS f16 mins). */
    static long scaleOffset(Format f, int tiles, int blocks, int t, int b) {
        return run(f, tiles, blocks, t, b) + inGroup(tiles, t) * f.scales() + (long) (t % DECODE_TILES) * f.scaleBytes * ROWS;
    }

    /** Bytes from a tile's block to its next (the same for its quants and its scales). */
    static long blockStride(Format f, int tiles, int t) {
        return inGroup(tiles, t) * f.cell();
    }

    /**
     * Where byte {@code 4m + k} of row {@code r} lies in Q8_0 quant group m: bytes {@code 4m} and {@code 4m + 2} of every
     * row in the group's first half, {@code 4m + 1} and {@code 4m + 3} in its second.
     */
    static long q8Byte(int k, int r) {
        return (k & 1) * Q8_HALF + 2L * r + (k >> 1);
    }

    /** Dequantizes row {@code row} of a tiled matrix of {@code rows} rows into {@code y[yo..yo+cols)}. */
    public static void dequantizeRow(Format f, MemorySegment w, int rows, int cols, int row, float[] y, int yo) {
        int blocks = cols >> 5;
        int r = row % ROWS;
        int t = row / ROWS;
        int tiles = tiles(rows);
        long groupStride = quantStride(tiles, t);
        for (int b = 0; b < blocks; b++) {
            long quant = quantOffset(f, tiles, blocks, t, b);
            short slot = w.get(I16, scaleOffset(f, tiles, blocks, t, b) + 2L * r);
            float d = Float.float16ToFloat(slot);
            float min = 0;
            if (f == Format.Q4_K || f == Format.Q5_K) {
                long sup = superOffset(f, tiles, blocks, t, b >> 3);
                d = w.get(F32, sup + 4L * r) * (slot & 0xFF);
                min = w.get(F32, sup + 4L * ROWS + 4L * r) * (slot >>> 8 & 0xFF);
            } else if (f == Format.Q4_1) {
                // d * q + m as Q4_K's d * q - min
                min = -Float.float16ToFloat(w.get(I16, scaleOffset(f, tiles, blocks, t, b) + 2L * ROWS + 2L * r));
            }
            // Q6_K: (d * scale) * q per 16-value half, as ggml's dequantize_row_q6_K
            float dLow = 0;
            float dHigh = 0;
            if (f == Format.Q6_K) {
                float super6 = w.get(F32, superOffset(f, tiles, blocks, t, b >> 3) + 4L * r);
                dLow = super6 * (byte) slot;
                dHigh = super6 * (byte) (slot >> 8);
            }
            int yb = yo + 32 * b;
            // Q5_K: the high bits, inverted, after the nibbles; Q6_K: the top two bits, in two groups
            int inverted = f == Format.Q5_K ? w.get(I32, quant + groupStride * 4 + 4L * r) : 0;
            long tops = f == Format.Q6_K ? w.get(I32, quant + groupStride * 4 + 4L * r) & 0xFFFFFFFFL
                    | (long) w.get(I32, quant + groupStride * 5 + 4L * r) << 32 : 0;
            for (int m = 0; m < (f == Format.Q8_0 ? 8 : 4); m++) {
                int four = f == Format.Q8_0 ? 0 : w.get(I32, quant + groupStride * m + 4L * r); // Q8_0's bytes are read where they lie
                for (int k = 0; k < 4; k++) {
                    int q = four >>> (8 * k);
                    if (f == Format.Q8_0) {
                        y[yb + 4 * m + k] = w.get(ValueLayout.JAVA_BYTE, quant + groupStride * m + q8Byte(k, r)) * d;
                    } else if (f == Format.Q5_K) {
                        y[yb + 4 * m + k] = d * ((q & 0xF) + 16 - 16 * (inverted >>> q5HighBit(4 * m + k) & 1)) - min;
                        y[yb + 4 * m + k + 16] = d * ((q >>> 4 & 0xF) + 16 - 16 * (inverted >>> q5HighBit(4 * m + k + 16) & 1)) - min;
                    } else if (f == Format.Q6_K) {
                        y[yb + 4 * m + k] = dLow * ((q & 0xF | (int) (tops >>> q6TopBits(4 * m + k) & 3) << 4) - 32);
                        y[yb + 4 * m + k + 16] = dHigh * ((q >>> 4 & 0xF | (int) (tops >>> q6TopBits(4 * m + k + 16) & 3) << 4) - 32);
                    } else if (f == Format.Q4_K || f == Format.Q4_1) {
                        y[yb + 4 * m + k] = d * (q & 0xF) - min;
                        y[yb + 4 * m + k + 16] = d * ((q >>> 4) & 0xF) - min;
                    } else {
                        y[yb + 4 * m + k] = ((q & 0xF) - 8) * d;
                        y[yb + 4 * m + k + 16] = (((q >>> 4) & 0xF) - 8) * d;
                    }
                }
            }
        }
    }

    /**
     * {@code out[oo + (t - t0) * ROWS + r] = row (t * ROWS + r) . x} for tiles {@code [t0, t1)} and rows below
     * {@code rows}, x being the activations {@code a}.
     */
    public static void matvec(Format f, MemorySegment w, int rows, int blocks, Q8Activations a, int t0, int t1,
                              float[] out, int oo) {
        if (a.format != f) {
            throw new IllegalArgumentException("activations paired for " + a.format + ", weights are " + f);
        }
        // a group of four whole tiles at a time; the tiles of other groups (a matrix's last ones) one by one
        for (int t = t0; t < t1; ) {
            int o = oo + (t - t0) * ROWS;
            if (t % DECODE_TILES == 0 && t + DECODE_TILES <= t1 && (t + DECODE_TILES) * ROWS <= rows) {
                if (f == Format.Q4_0) {
                    matvec4(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q4_1) {
                    q41Matvec4(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q4_K) {
                    k4Matvec4(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q6_K) {
                    k6Matvec4(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q5_K) {
                    k5Matvec4(w, rows, blocks, a, t, out, o);
                } else {
                    q8Matvec4(w, rows, blocks, a, t, out, o);
                }
                t += DECODE_TILES;
            } else {
                if (f == Format.Q4_0) {
                    matvec1(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q4_1) {
                    q41Matvec1(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q4_K) {
                    k4Matvec1(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q6_K) {
                    k6Matvec1(w, rows, blocks, a, t, out, o);
                } else if (f == Format.Q5_K) {
                    k5Matvec1(w, rows, blocks, a, t, out, o);
                } else {
                    q8Matvec1(w, rows, blocks, a, t, out, o);
                }
                t++;
            }
        }
    }

    /** Tile {@code t} times the activations {@code a}, into {@code out[o..]}. */
    private static void matvec1(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long quant = quantOffset(Format.Q4_0, tiles(rows), blocks, t, 0);
        long scales = scaleOffset(Format.Q4_0, tiles(rows), blocks, t, 0);
        long quantStride = quantStride(tiles(rows), t);
        long stride = blockStride(Format.Q4_0, tiles(rows), t);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long cell = quant + b * stride;
            int po = b * Q8Activations.PAIRS;
            ShortVector s = ShortVector.zero(S);
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, cell + quantStride * m, LE);
                int p = po + 4 * m;
                // nibbles shifted in 32-bit lanes, which C2 shifts by an immediate: its 16-bit shifts take the
                // count from a vector register, an extra uop each (and a register per count). An activation pair
                // broadcast to every 32-bit lane is written out, not a helper: a helper C2 compiled on its own
                // first can be too big for it to inline, and its vector is then boxed on every call (decode at
                // half speed in some runs)
                s = v.and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 1]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 2]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 3]).reinterpretAsShorts()).add(s);
            }
            // helpers taking vectors are written out here: C2 does not always inline them (its node budget
            // per compilation, NodeCountInliningCutoff, runs out in long kernels), and a vector that crosses
            // a call that was not inlined is boxed and computed lane by lane. Measured (one thread, 4096x2048
            // Q4_0): with the scale conversion and the row sums in helpers, 7.8 G weights/s; written out, 20-25
            // f16 -> float in three ops: the sign-extended half shifted left by 13 has its sign at bit 31 and its exponent
            // and mantissa at 27..13; the mask clears the sign's copies at 30..28, and 2^112 rebiases the exponent
            // (exact for subnormal halves too). Bit for bit Float.float16ToFloat on finite halves.
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE, w, scales + b * stride, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            IntVector v = ShortVector.zero(S).add(s).reinterpretAsInts(); // s carried: see LoopCarried
            FloatVector r = (FloatVector) v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v.lanewise(VectorOperators.ASHR, 16)).sub(8 * a.sums[b]).convert(VectorOperators.I2F, 0);
            acc = r.mul(d).fma(FloatVector.broadcast(F, a.scales[b]), acc);
        }
        int valid = rows - t * ROWS;
        if (valid >= ROWS) {
            LoopCarried.FLOATS.add(acc).intoArray(out, o);
        } else {
            LoopCarried.FLOATS.add(acc).intoArray(out, o, F.indexInRange(0, valid));
        }
    }

    /**
     * Tiles {@code t..t+3} (all whole) times one token: {@link #matvec1}'s arithmetic for four tiles, each
     * activation broadcast serving all four, so four weight streams are in flight. Decode streams its weights
     * from memory, and more streams per thread read faster: TinyLlama Q4_0 decode 18 -> 24 tok/s over pairs of
     * tiles on this machine's 2 cores, even at 256-bit lanes where the accumulators outgrow the 16 registers
     * (+9%); Q8_0 13.7 -> 16 tok/s. Eight tiles no longer compile to vector code.
     *
     * <p>Kernels this long need the launcher's {@code -XX:PerBytecodeTrapLimit}: see the {@code chrysalis} script.
     */
    private static void matvec4(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        // a whole group of four tiles, interleaved block by block: one stream
        long group = (long) t * blocks * Q4_CELL;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            // the block's run: quant group m of tile i at (4m + i) * GROUP, then the four tiles' scales
            long c0 = group + 4L * b * Q4_CELL;
            long s0 = c0 + 4 * Q4_SCALES;
            int po = b * Q8Activations.PAIRS;
            ShortVector x = ShortVector.zero(S);
            ShortVector y = x;
            ShortVector z = x;
            ShortVector q = x;
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 0), LE);
                IntVector u = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 1), LE);
                IntVector vv = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 2), LE);
                IntVector uu = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 3), LE);
                int p = po + 4 * m;
                ShortVector pa = IntVector.broadcast(I, pairs[p]).reinterpretAsShorts();
                ShortVector pb = IntVector.broadcast(I, pairs[p + 1]).reinterpretAsShorts();
                ShortVector pc = IntVector.broadcast(I, pairs[p + 2]).reinterpretAsShorts();
                ShortVector pd = IntVector.broadcast(I, pairs[p + 3]).reinterpretAsShorts();
                x = v.and(0x000F000F).reinterpretAsShorts().mul(pa).add(x);
                x = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(x);
                x = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(x);
                x = v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(x);
                y = u.and(0x000F000F).reinterpretAsShorts().mul(pa).add(y);
                y = u.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(y);
                y = u.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(y);
                y = u.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(y);
                z = vv.and(0x000F000F).reinterpretAsShorts().mul(pa).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(z);
                q = uu.and(0x000F000F).reinterpretAsShorts().mul(pa).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(q);
            }
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 0L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 2L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 4L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 6L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d0 = h0.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d1 = h1.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d2 = h2.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d3 = h3.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            int corr = 8 * a.sums[b];
            IntVector v0 = ShortVector.zero(S).add(x).reinterpretAsInts(); // x..q carried: see LoopCarried
            IntVector v1 = ShortVector.zero(S).add(y).reinterpretAsInts();
            IntVector v2 = ShortVector.zero(S).add(z).reinterpretAsInts();
            IntVector v3 = ShortVector.zero(S).add(q).reinterpretAsInts();
            FloatVector r0 = (FloatVector) v0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v0.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector r1 = (FloatVector) v1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v1.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector r2 = (FloatVector) v2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v2.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector r3 = (FloatVector) v3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v3.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector da = FloatVector.broadcast(F, a.scales[b]);
            acc0 = r0.mul(d0).fma(da, acc0);
            acc1 = r1.mul(d1).fma(da, acc1);
            acc2 = r2.mul(d2).fma(da, acc2);
            acc3 = r3.mul(d3).fma(da, acc3);
        }
        LoopCarried.FLOATS.add(acc0).intoArray(out, o);
        LoopCarried.FLOATS.add(acc1).intoArray(out, o + ROWS);
        LoopCarried.FLOATS.add(acc2).intoArray(out, o + 2 * ROWS);
        LoopCarried.FLOATS.add(acc3).intoArray(out, o + 3 * ROWS);
    }

    /**
     * {@link #matvec4}'s 16-bit sums for four whole Q4_K tiles. A sub-block's sum with its nibbles minus 8 (the
     * activation sum taken off, as for Q4_0) is scaled by {@code d * scale}; the rest of the value,
     * {@code 8 * d * scale - dmin * min}, meets the activations' sum: {@code d_x * (sum * ds + x_sum * offset)},
     * two FMAs in this order, as {@link TiledBatch}'s integer prefill does it, so the two agree bit for bit.
     */
    private static void k4Matvec4(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long group = (long) t * blocks * Q4_CELL;
        long supers = superOffset(Format.Q4_K, tiles(rows), blocks, t, 0);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            long c0 = group + 4L * b * Q4_CELL;
            long s0 = c0 + 4 * Q4_SCALES;
            long sup = supers + (b >> 3) * 4 * SUPER;
            int po = b * Q8Activations.PAIRS;
            ShortVector x = ShortVector.zero(S);
            ShortVector y = x;
            ShortVector z = x;
            ShortVector q = x;
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 0), LE);
                IntVector u = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 1), LE);
                IntVector vv = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 2), LE);
                IntVector uu = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 3), LE);
                int p = po + 4 * m;
                ShortVector pa = IntVector.broadcast(I, pairs[p]).reinterpretAsShorts();
                ShortVector pb = IntVector.broadcast(I, pairs[p + 1]).reinterpretAsShorts();
                ShortVector pc = IntVector.broadcast(I, pairs[p + 2]).reinterpretAsShorts();
                ShortVector pd = IntVector.broadcast(I, pairs[p + 3]).reinterpretAsShorts();
                x = v.and(0x000F000F).reinterpretAsShorts().mul(pa).add(x);
                x = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(x);
                x = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(x);
                x = v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(x);
                y = u.and(0x000F000F).reinterpretAsShorts().mul(pa).add(y);
                y = u.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(y);
                y = u.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(y);
                y = u.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(y);
                z = vv.and(0x000F000F).reinterpretAsShorts().mul(pa).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(z);
                q = uu.and(0x000F000F).reinterpretAsShorts().mul(pa).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(q);
            }
            // per row: the sub-block's scale (low byte) and min (high byte) times the super-block's d and dmin
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 0L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 2L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 4L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 6L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d0 = FloatVector.fromMemorySegment(F, w, sup, LE).mul((FloatVector) h0.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector d1 = FloatVector.fromMemorySegment(F, w, sup + SUPER, LE).mul((FloatVector) h1.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector d2 = FloatVector.fromMemorySegment(F, w, sup + 2 * SUPER, LE).mul((FloatVector) h2.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector d3 = FloatVector.fromMemorySegment(F, w, sup + 3 * SUPER, LE).mul((FloatVector) h3.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector e0 = d0.mul(8f).sub(FloatVector.fromMemorySegment(F, w, sup + 4L * ROWS, LE)
                    .mul((FloatVector) h0.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            FloatVector e1 = d1.mul(8f).sub(FloatVector.fromMemorySegment(F, w, sup + SUPER + 4L * ROWS, LE)
                    .mul((FloatVector) h1.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            FloatVector e2 = d2.mul(8f).sub(FloatVector.fromMemorySegment(F, w, sup + 2 * SUPER + 4L * ROWS, LE)
                    .mul((FloatVector) h2.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            FloatVector e3 = d3.mul(8f).sub(FloatVector.fromMemorySegment(F, w, sup + 3 * SUPER + 4L * ROWS, LE)
                    .mul((FloatVector) h3.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            int corr = 8 * a.sums[b];
            IntVector v0 = ShortVector.zero(S).add(x).reinterpretAsInts(); // x..q carried: see LoopCarried
            IntVector v1 = ShortVector.zero(S).add(y).reinterpretAsInts();
            IntVector v2 = ShortVector.zero(S).add(z).reinterpretAsInts();
            IntVector v3 = ShortVector.zero(S).add(q).reinterpretAsInts();
            FloatVector r0 = (FloatVector) v0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v0.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector r1 = (FloatVector) v1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v1.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector r2 = (FloatVector) v2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v2.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector r3 = (FloatVector) v3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v3.lanewise(VectorOperators.ASHR, 16)).sub(corr).convert(VectorOperators.I2F, 0);
            FloatVector da = FloatVector.broadcast(F, a.scales[b]);
            FloatVector dsum = FloatVector.broadcast(F, a.scales[b] * a.sums[b]);
            acc0 = e0.fma(dsum, r0.mul(d0).fma(da, acc0));
            acc1 = e1.fma(dsum, r1.mul(d1).fma(da, acc1));
            acc2 = e2.fma(dsum, r2.mul(d2).fma(da, acc2));
            acc3 = e3.fma(dsum, r3.mul(d3).fma(da, acc3));
        }
        LoopCarried.FLOATS.add(acc0).intoArray(out, o);
        LoopCarried.FLOATS.add(acc1).intoArray(out, o + ROWS);
        LoopCarried.FLOATS.add(acc2).intoArray(out, o + 2 * ROWS);
        LoopCarried.FLOATS.add(acc3).intoArray(out, o + 3 * ROWS);
    }

    /** {@link #k4Matvec4}'s arithmetic for one Q4_K tile (a matrix's last tiles, outside whole groups). */
    private static void k4Matvec1(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long quant = quantOffset(Format.Q4_K, tiles(rows), blocks, t, 0);
        long scales = scaleOffset(Format.Q4_K, tiles(rows), blocks, t, 0);
        long quantStride = quantStride(tiles(rows), t);
        long stride = blockStride(Format.Q4_K, tiles(rows), t);
        long supers = superOffset(Format.Q4_K, tiles(rows), blocks, t, 0);
        long superStride = inGroup(tiles(rows), t) * SUPER;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long cell = quant + b * stride;
            int po = b * Q8Activations.PAIRS;
            ShortVector s = ShortVector.zero(S);
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, cell + quantStride * m, LE);
                int p = po + 4 * m;
                s = v.and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 1]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 2]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 3]).reinterpretAsShorts()).add(s);
            }
            long sup = supers + (b >> 3) * superStride;
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE, w, scales + b * stride, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = FloatVector.fromMemorySegment(F, w, sup, LE).mul((FloatVector) h.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector e = d.mul(8f).sub(FloatVector.fromMemorySegment(F, w, sup + 4L * ROWS, LE)
                    .mul((FloatVector) h.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            IntVector v = ShortVector.zero(S).add(s).reinterpretAsInts(); // s carried: see LoopCarried
            FloatVector r = (FloatVector) v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v.lanewise(VectorOperators.ASHR, 16)).sub(8 * a.sums[b]).convert(VectorOperators.I2F, 0);
            acc = e.fma(FloatVector.broadcast(F, a.scales[b] * a.sums[b]), r.mul(d).fma(FloatVector.broadcast(F, a.scales[b]), acc));
        }
        int valid = rows - t * ROWS;
        if (valid >= ROWS) {
            LoopCarried.FLOATS.add(acc).intoArray(out, o);
        } else {
            LoopCarried.FLOATS.add(acc).intoArray(out, o, F.indexInRange(0, valid));
        }
    }

    /**
     * {@link #k4Matvec4}'s nibble products for four whole Q6_K tiles, each nibble joined by its value's top two bits
     * ({@link #q6TopBits}). A pass per 16-value half: the half's pairs are 4m + h and 4m + h + 2. The signed values are
     * the six bits less 32, -32..31, so a 16-bit lane's 8 products sum within 8 * 32 * 127 = 32512; the lanes multiply
     * the unsigned six bits instead, summing modulo 2^16, and the pass ends taking 32 times the activations the lane met
     * off, which gives the signed sum exactly (one subtraction a lane instead of one per product). Each half's sums are
     * widened and scaled in integers by its 8-bit scale ({@code 2 * 16 * 32 * 127 * 128} stays within 24 bits, so the
     * float conversion is exact), then by the super-block's d and the activations' scale, as with the tiles as Q8_0
     * bytes before.
     *
     * <p>Each quant group and top-bit group is shifted once by the count that varies with the half and the group (a
     * count in a vector register: two uops on Intel cores), the rest by constants; before, all four of a product's
     * shifts took a varying count. With the subtraction gone, TinyLlama's Q6_K down projections on two threads of an
     * Intel host: 10.2-10.8 -> 11.7-12.3 GB/s; one 512 x 2048 matrix in cache, one thread: 10.6-10.8 -> 12.2-12.5.
     */
    private static void k6Matvec4(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long group = (long) t * blocks * Q6_CELL;
        long supers = superOffset(Format.Q6_K, tiles(rows), blocks, t, 0);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            // the block's run: quant group m of tile i at (4m + i) * GROUP (groups 4 and 5: the top bits), then the scales
            long c0 = group + 4L * b * Q6_CELL;
            long s0 = c0 + 4 * Q6_SCALES;
            long sup = supers + (b >> 3) * 4 * SUPER6;
            int po = b * Q8Activations.PAIRS;
            IntVector n0 = IntVector.zero(I), n1 = n0, n2 = n0, n3 = n0;
            for (int h = 0; h < 2; h++) {
                ShortVector x = ShortVector.zero(S);
                ShortVector y = x;
                ShortVector z = x;
                ShortVector q = x;
                ShortVector corr = x;
                for (int m = 0; m < 4; m++) {
                    // the half's nibbles to 0 and 8, and the top bits of the first to 0..1 and of the second to 4..5: one
                    // shift each by a count that varies, the rest by constants
                    int vs = 4 * h;
                    int js = 8 * (m & 1) + 2 * h;
                    IntVector v = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 0), LE).lanewise(VectorOperators.LSHR, vs);
                    IntVector u = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 1), LE).lanewise(VectorOperators.LSHR, vs);
                    IntVector vv = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 2), LE).lanewise(VectorOperators.LSHR, vs);
                    IntVector uu = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 3), LE).lanewise(VectorOperators.LSHR, vs);
                    // pairs 4m..4m+3's top bits at 0..7 and 16..23 of group 4 + m / 2 shifted right by 8 * (m % 2)
                    long tops = c0 + GROUP * (4 * (4 + (m >> 1)));
                    IntVector j0 = IntVector.fromMemorySegment(I, w, tops, LE).lanewise(VectorOperators.LSHR, js);
                    IntVector j1 = IntVector.fromMemorySegment(I, w, tops + GROUP, LE).lanewise(VectorOperators.LSHR, js);
                    IntVector j2 = IntVector.fromMemorySegment(I, w, tops + 2 * GROUP, LE).lanewise(VectorOperators.LSHR, js);
                    IntVector j3 = IntVector.fromMemorySegment(I, w, tops + 3 * GROUP, LE).lanewise(VectorOperators.LSHR, js);
                    ShortVector pe = IntVector.broadcast(I, pairs[po + 4 * m + h]).reinterpretAsShorts();
                    ShortVector po2 = IntVector.broadcast(I, pairs[po + 4 * m + h + 2]).reinterpretAsShorts();
                    x = v.and(0x000F000F).or(j0.lanewise(VectorOperators.LSHL, 4).and(0x00300030)).reinterpretAsShorts().mul(pe).add(x);
                    x = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).or(j0.and(0x00300030)).reinterpretAsShorts().mul(po2).add(x);
                    y = u.and(0x000F000F).or(j1.lanewise(VectorOperators.LSHL, 4).and(0x00300030)).reinterpretAsShorts().mul(pe).add(y);
                    y = u.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).or(j1.and(0x00300030)).reinterpretAsShorts().mul(po2).add(y);
                    z = vv.and(0x000F000F).or(j2.lanewise(VectorOperators.LSHL, 4).and(0x00300030)).reinterpretAsShorts().mul(pe).add(z);
                    z = vv.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).or(j2.and(0x00300030)).reinterpretAsShorts().mul(po2).add(z);
                    q = uu.and(0x000F000F).or(j3.lanewise(VectorOperators.LSHL, 4).and(0x00300030)).reinterpretAsShorts().mul(pe).add(q);
                    q = uu.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).or(j3.and(0x00300030)).reinterpretAsShorts().mul(po2).add(q);
                    corr = pe.add(po2).add(corr);
                }
                // the values are their unsigned six bits, so each lane holds the sum less 32 times the sum of the
                // activations it met, modulo 2^16; the true sum is within 16 bits, so taking that off gives it exactly
                ShortVector less = ShortVector.zero(S).add(corr).mul((short) 32);
                // the half's 8-bit scales, sign-extended: the low byte of each row's slot for h = 0, the high byte for 1
                IntVector e0 = ShortVector.zero(S).add(x).sub(less).reinterpretAsInts(); // x..q carried: see LoopCarried
                IntVector e1 = ShortVector.zero(S).add(y).sub(less).reinterpretAsInts();
                IntVector e2 = ShortVector.zero(S).add(z).sub(less).reinterpretAsInts();
                IntVector e3 = ShortVector.zero(S).add(q).sub(less).reinterpretAsInts();
                n0 = e0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(e0.lanewise(VectorOperators.ASHR, 16))
                        .mul(((IntVector) ShortVector.fromMemorySegment(SCALE, w, s0, LE).convertShape(VectorOperators.S2I, I, 0))
                                .lanewise(VectorOperators.LSHL, 24 - 8 * h).lanewise(VectorOperators.ASHR, 24)).add(n0);
                n1 = e1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(e1.lanewise(VectorOperators.ASHR, 16))
                        .mul(((IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 2L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0))
                                .lanewise(VectorOperators.LSHL, 24 - 8 * h).lanewise(VectorOperators.ASHR, 24)).add(n1);
                n2 = e2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(e2.lanewise(VectorOperators.ASHR, 16))
                        .mul(((IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 4L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0))
                                .lanewise(VectorOperators.LSHL, 24 - 8 * h).lanewise(VectorOperators.ASHR, 24)).add(n2);
                n3 = e3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(e3.lanewise(VectorOperators.ASHR, 16))
                        .mul(((IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 6L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0))
                                .lanewise(VectorOperators.LSHL, 24 - 8 * h).lanewise(VectorOperators.ASHR, 24)).add(n3);
            }
            FloatVector da = FloatVector.broadcast(F, a.scales[b]);
            // n0..n3 carried: see LoopCarried
            acc0 = ((FloatVector) IntVector.zero(I).add(n0).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromMemorySegment(F, w, sup, LE)).fma(da, acc0);
            acc1 = ((FloatVector) IntVector.zero(I).add(n1).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromMemorySegment(F, w, sup + SUPER6, LE)).fma(da, acc1);
            acc2 = ((FloatVector) IntVector.zero(I).add(n2).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromMemorySegment(F, w, sup + 2 * SUPER6, LE)).fma(da, acc2);
            acc3 = ((FloatVector) IntVector.zero(I).add(n3).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromMemorySegment(F, w, sup + 3 * SUPER6, LE)).fma(da, acc3);
        }
        LoopCarried.FLOATS.add(acc0).intoArray(out, o);
        LoopCarried.FLOATS.add(acc1).intoArray(out, o + ROWS);
        LoopCarried.FLOATS.add(acc2).intoArray(out, o + 2 * ROWS);
        LoopCarried.FLOATS.add(acc3).intoArray(out, o + 3 * ROWS);
    }

    /** {@link #k6Matvec4}'s arithmetic for one Q6_K tile (a matrix's last tiles, outside whole groups). */
    private static void k6Matvec1(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long quant = quantOffset(Format.Q6_K, tiles(rows), blocks, t, 0);
        long scales = scaleOffset(Format.Q6_K, tiles(rows), blocks, t, 0);
        long quantStride = quantStride(tiles(rows), t);
        long stride = blockStride(Format.Q6_K, tiles(rows), t);
        long supers = superOffset(Format.Q6_K, tiles(rows), blocks, t, 0);
        long superStride = inGroup(tiles(rows), t) * SUPER6;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long cell = quant + b * stride;
            int po = b * Q8Activations.PAIRS;
            IntVector n = IntVector.zero(I);
            for (int h = 0; h < 2; h++) {
                ShortVector s = ShortVector.zero(S);
                ShortVector corr = s;
                for (int m = 0; m < 4; m++) {
                    IntVector v = IntVector.fromMemorySegment(I, w, cell + quantStride * m, LE).lanewise(VectorOperators.LSHR, 4 * h);
                    IntVector j = IntVector.fromMemorySegment(I, w, cell + quantStride * (4 + (m >> 1)), LE).lanewise(VectorOperators.LSHR, 8 * (m & 1) + 2 * h);
                    ShortVector pe = IntVector.broadcast(I, pairs[po + 4 * m + h]).reinterpretAsShorts();
                    ShortVector po2 = IntVector.broadcast(I, pairs[po + 4 * m + h + 2]).reinterpretAsShorts();
                    s = v.and(0x000F000F).or(j.lanewise(VectorOperators.LSHL, 4).and(0x00300030)).reinterpretAsShorts().mul(pe).add(s);
                    s = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).or(j.and(0x00300030)).reinterpretAsShorts().mul(po2).add(s);
                    corr = pe.add(po2).add(corr);
                }
                // s and corr carried: see LoopCarried
                IntVector e = ShortVector.zero(S).add(s).sub(ShortVector.zero(S).add(corr).mul((short) 32)).reinterpretAsInts();
                n = e.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(e.lanewise(VectorOperators.ASHR, 16))
                        .mul(((IntVector) ShortVector.fromMemorySegment(SCALE, w, scales + b * stride, LE).convertShape(VectorOperators.S2I, I, 0))
                                .lanewise(VectorOperators.LSHL, 24 - 8 * h).lanewise(VectorOperators.ASHR, 24)).add(n);
            }
            FloatVector d = FloatVector.fromMemorySegment(F, w, supers + (b >> 3) * superStride, LE);
            acc = ((FloatVector) IntVector.zero(I).add(n).convert(VectorOperators.I2F, 0)).mul(d).fma(FloatVector.broadcast(F, a.scales[b]), acc); // n carried
        }
        int valid = rows - t * ROWS;
        if (valid >= ROWS) {
            LoopCarried.FLOATS.add(acc).intoArray(out, o);
        } else {
            LoopCarried.FLOATS.add(acc).intoArray(out, o, F.indexInRange(0, valid));
        }
    }

    /**
     * Q8_0 tile {@code t} times one token. A quant group's halves widen to 16-bit lanes as they are loaded (one
     * sign-extending conversion each, {@code vpmovsxbw}): in the first, row r's bytes 4g and 4g + 2, which pair
     * {@code 2g} meets, in the second 4g + 1 and 4g + 3. Both products with their activations sum within 16 bits
     * (2 * 128 * 127 = 32512), and each 32-bit lane's two 16-bit sums go into 32 bits at once, per quant group: the
     * bytes need no offset, so no activation sum to take off. Before, each group was one load of the bytes as GGUF
     * orders them, sign-extended by shifts: a shift left in 32-bit lanes and two arithmetic shifts right in 16-bit
     * lanes, which C2 gives their count in a vector register (two uops each on Intel cores). On an Intel Xeon (AVX-512),
     * four tiles ({@link #q8Matvec4}) in cache, one thread: 27.4-29.5 -> 33.8-36.1 GB/s; TinyLlama's gate and up
     * projections streamed on two threads 14.5-15.5 -> 16.8-17.7 GB/s. 2048 x 2048 matrices streamed from memory
     * (Zen 5, alternating runs, the shifts): with the bytes stored q + 128 and split into unsigned nibbles (two
     * 16-bit sums per row, recombined per block) 11.5-11.8 G weights/s on one thread and 22.1-22.7 on two; as
     * signed bytes 14.3-14.8 and 26.9-28.9. Tried and no faster: unsigned bytes with a per-pair offset folded into
     * the 16-bit sums (about 4% slower in cache); widening the sums through a bias and a running high-half sum, one
     * op fewer per load (25% slower in cache).
     */
    private static void q8Matvec1(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long quant = quantOffset(Format.Q8_0, tiles(rows), blocks, t, 0);
        long scales = scaleOffset(Format.Q8_0, tiles(rows), blocks, t, 0);
        long quantStride = quantStride(tiles(rows), t);
        long stride = blockStride(Format.Q8_0, tiles(rows), t);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long cell = quant + b * stride;
            int po = b * Q8Activations.PAIRS;
            IntVector z = IntVector.zero(I);
            for (int g = 0; g < 8; g++) {
                ShortVector even = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, cell + quantStride * g, LE).convertShape(VectorOperators.B2S, S, 0);
                ShortVector odd = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, cell + quantStride * g + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
                IntVector p = IntVector.broadcast(I, pairs[po + 2 * g]).reinterpretAsShorts().mul(even)
                        .add(IntVector.broadcast(I, pairs[po + 2 * g + 1]).reinterpretAsShorts().mul(odd)).reinterpretAsInts();
                z = p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(p.lanewise(VectorOperators.ASHR, 16)).add(z);
            }
            // written out rather than in helpers taking vectors: see matvec1
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE, w, scales + b * stride, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector r = (FloatVector) IntVector.zero(I).add(z).convert(VectorOperators.I2F, 0); // z carried: see LoopCarried
            acc = r.mul(d).fma(FloatVector.broadcast(F, a.scales[b]), acc);
        }
        int valid = rows - t * ROWS;
        if (valid >= ROWS) {
            LoopCarried.FLOATS.add(acc).intoArray(out, o);
        } else {
            LoopCarried.FLOATS.add(acc).intoArray(out, o, F.indexInRange(0, valid));
        }
    }

    /**
     * {@link #q8Matvec1}'s arithmetic for four whole tiles, each activation broadcast serving all four: see {@link #matvec4}.
     * Each quant group's eight halves are loaded and widened one group ahead, into registers the loop carries, before
     * the products of the group before: streaming 570 MB of tiles on one thread (Zen 5), 12.0-12.7 -> 22.2-24.1 GB/s
     * (the same arithmetic in cache, 33 -> 31). With the loads next to their products, a missed line stalls the two
     * dozen instructions that wait for it and the loads behind them; a group ahead, they are in flight while the
     * group before is multiplied. On the Intel Xeon, with the widening loads, two threads streaming TinyLlama's gate
     * and up projections: a group ahead 16.8-17.7 GB/s, loaded where they are used 14.6-15.3, two groups ahead
     * 15.8-16.8.
     */
    private static void q8Matvec4(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        // a whole group of four tiles, interleaved block by block: one stream
        long group = (long) t * blocks * Q8_CELL;
        long lastBlock = group + 4L * (blocks - 1) * Q8_CELL;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        ShortVector n0 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group, LE).convertShape(VectorOperators.B2S, S, 0);
        ShortVector m0 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
        ShortVector n1 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group + GROUP, LE).convertShape(VectorOperators.B2S, S, 0);
        ShortVector m1 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group + GROUP + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
        ShortVector n2 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group + 2 * GROUP, LE).convertShape(VectorOperators.B2S, S, 0);
        ShortVector m2 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group + 2 * GROUP + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
        ShortVector n3 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group + 3 * GROUP, LE).convertShape(VectorOperators.B2S, S, 0);
        ShortVector m3 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, group + 3 * GROUP + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
        for (int b = 0; b < blocks; b++) {
            // the block's run: quant group g of tile i at (4g + i) * GROUP, then the four tiles' scales
            long c0 = group + 4L * b * Q8_CELL;
            long s0 = c0 + 4 * Q8_SCALES;
            int po = b * Q8Activations.PAIRS;
            IntVector z0 = IntVector.zero(I), z1 = z0, z2 = z0, z3 = z0;
            for (int g = 0; g < 8; g++) {
                ShortVector pa = IntVector.broadcast(I, pairs[po + 2 * g]).reinterpretAsShorts();
                ShortVector pb = IntVector.broadcast(I, pairs[po + 2 * g + 1]).reinterpretAsShorts();
                // n0..m3 carried (see LoopCarried): only ever arguments
                IntVector p0 = pa.mul(n0).add(pb.mul(m0)).reinterpretAsInts();
                IntVector p1 = pa.mul(n1).add(pb.mul(m1)).reinterpretAsInts();
                IntVector p2 = pa.mul(n2).add(pb.mul(m2)).reinterpretAsInts();
                IntVector p3 = pa.mul(n3).add(pb.mul(m3)).reinterpretAsInts();
                // the next group: this block's, or after the last the next block's first (the last block's again at the end)
                long next = g < 7 ? c0 + GROUP * (4 * g + 4) : Math.min(c0 + 4 * Q8_CELL, lastBlock);
                n0 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next, LE).convertShape(VectorOperators.B2S, S, 0);
                m0 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
                n1 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next + GROUP, LE).convertShape(VectorOperators.B2S, S, 0);
                m1 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next + GROUP + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
                n2 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next + 2 * GROUP, LE).convertShape(VectorOperators.B2S, S, 0);
                m2 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next + 2 * GROUP + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
                n3 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next + 3 * GROUP, LE).convertShape(VectorOperators.B2S, S, 0);
                m3 = (ShortVector) ByteVector.fromMemorySegment(HALF_BYTES, w, next + 3 * GROUP + Q8_HALF, LE).convertShape(VectorOperators.B2S, S, 0);
                z0 = p0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(p0.lanewise(VectorOperators.ASHR, 16)).add(z0);
                z1 = p1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(p1.lanewise(VectorOperators.ASHR, 16)).add(z1);
                z2 = p2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(p2.lanewise(VectorOperators.ASHR, 16)).add(z2);
                z3 = p3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).add(p3.lanewise(VectorOperators.ASHR, 16)).add(z3);
            }
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 0L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 2L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 4L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 6L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d0 = h0.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d1 = h1.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d2 = h2.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d3 = h3.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector r0 = (FloatVector) IntVector.zero(I).add(z0).convert(VectorOperators.I2F, 0); // z0..z3 carried: see LoopCarried
            FloatVector r1 = (FloatVector) IntVector.zero(I).add(z1).convert(VectorOperators.I2F, 0);
            FloatVector r2 = (FloatVector) IntVector.zero(I).add(z2).convert(VectorOperators.I2F, 0);
            FloatVector r3 = (FloatVector) IntVector.zero(I).add(z3).convert(VectorOperators.I2F, 0);
            FloatVector da = FloatVector.broadcast(F, a.scales[b]);
            acc0 = r0.mul(d0).fma(da, acc0);
            acc1 = r1.mul(d1).fma(da, acc1);
            acc2 = r2.mul(d2).fma(da, acc2);
            acc3 = r3.mul(d3).fma(da, acc3);
        }
        LoopCarried.FLOATS.add(acc0).intoArray(out, o);
        LoopCarried.FLOATS.add(acc1).intoArray(out, o + ROWS);
        LoopCarried.FLOATS.add(acc2).intoArray(out, o + 2 * ROWS);
        LoopCarried.FLOATS.add(acc3).intoArray(out, o + 3 * ROWS);
    }

    /**
     * {@link #k4Matvec4}'s nibble products for four whole Q5_K tiles, each nibble less 16 where its value's high bit is
     * clear ({@link #q5HighBit}): the value minus 16, -16..15, so the 16 products a 16-bit lane sums per block stay
     * within 16 * 16 * 127 = 32512 without widening. A sub-block's sum is scaled by {@code d * scale}; the rest of the
     * value, {@code 16 * d * scale - dmin * min}, meets the activations' block sum, as in {@link #k4Matvec4}. 5.75 bits a
     * weight read where the tiles as Q8_0 bytes read 8.75 (TinyLlama-shaped decode: see the class comment).
     */
    private static void k5Matvec4(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long group = (long) t * blocks * Q5_CELL;
        long supers = superOffset(Format.Q5_K, tiles(rows), blocks, t, 0);
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            // the block's run: quant group m of tile i at (4m + i) * GROUP (group 4: the high bits), then the scales
            long c0 = group + 4L * b * Q5_CELL;
            long s0 = c0 + 4 * Q5_SCALES;
            long sup = supers + (b >> 3) * 4 * SUPER5;
            int po = b * Q8Activations.PAIRS;
            IntVector i0 = IntVector.fromMemorySegment(I, w, c0 + GROUP * 16, LE);
            IntVector i1 = IntVector.fromMemorySegment(I, w, c0 + GROUP * 17, LE);
            IntVector i2 = IntVector.fromMemorySegment(I, w, c0 + GROUP * 18, LE);
            IntVector i3 = IntVector.fromMemorySegment(I, w, c0 + GROUP * 19, LE);
            ShortVector x = ShortVector.zero(S);
            ShortVector y = x;
            ShortVector z = x;
            ShortVector q = x;
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 0), LE);
                IntVector u = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 1), LE);
                IntVector vv = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 2), LE);
                IntVector uu = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 3), LE);
                int p = po + 4 * m;
                // the high bits of pairs 4m..4m+3 at 0..3 and 16..19 (a rotation by a count that is not a constant is not
                // compiled to vector code: every call boxes)
                IntVector j0 = i0.lanewise(VectorOperators.LSHR, 4 * m);
                IntVector j1 = i1.lanewise(VectorOperators.LSHR, 4 * m);
                IntVector j2 = i2.lanewise(VectorOperators.LSHR, 4 * m);
                IntVector j3 = i3.lanewise(VectorOperators.LSHR, 4 * m);
                // pair 4m + k: nibbles k of each 32-bit lane's two bytes, their high bits shifted to 4 and 20. A loop, not
                // written out: written out, the kernel outgrows what C1 can profile, and C2 never compiles it
                for (int k = 0; k < 4; k++) {
                    ShortVector pk = IntVector.broadcast(I, pairs[p + k]).reinterpretAsShorts();
                    int shift = 4 * k;
                    int up = 4 - k;
                    x = v.lanewise(VectorOperators.LSHR, shift).and(0x000F000F).reinterpretAsShorts()
                            .sub(j0.lanewise(VectorOperators.LSHL, up).and(0x00100010).reinterpretAsShorts()).mul(pk).add(x);
                    y = u.lanewise(VectorOperators.LSHR, shift).and(0x000F000F).reinterpretAsShorts()
                            .sub(j1.lanewise(VectorOperators.LSHL, up).and(0x00100010).reinterpretAsShorts()).mul(pk).add(y);
                    z = vv.lanewise(VectorOperators.LSHR, shift).and(0x000F000F).reinterpretAsShorts()
                            .sub(j2.lanewise(VectorOperators.LSHL, up).and(0x00100010).reinterpretAsShorts()).mul(pk).add(z);
                    q = uu.lanewise(VectorOperators.LSHR, shift).and(0x000F000F).reinterpretAsShorts()
                            .sub(j3.lanewise(VectorOperators.LSHL, up).and(0x00100010).reinterpretAsShorts()).mul(pk).add(q);
                }
            }
            // per row: the sub-block's scale (low byte) and min (high byte) times the super-block's d and dmin
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 0L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 2L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 4L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 6L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d0 = FloatVector.fromMemorySegment(F, w, sup, LE).mul((FloatVector) h0.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector d1 = FloatVector.fromMemorySegment(F, w, sup + SUPER5, LE).mul((FloatVector) h1.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector d2 = FloatVector.fromMemorySegment(F, w, sup + 2 * SUPER5, LE).mul((FloatVector) h2.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector d3 = FloatVector.fromMemorySegment(F, w, sup + 3 * SUPER5, LE).mul((FloatVector) h3.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector e0 = d0.mul(16f).sub(FloatVector.fromMemorySegment(F, w, sup + 4L * ROWS, LE)
                    .mul((FloatVector) h0.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            FloatVector e1 = d1.mul(16f).sub(FloatVector.fromMemorySegment(F, w, sup + SUPER5 + 4L * ROWS, LE)
                    .mul((FloatVector) h1.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            FloatVector e2 = d2.mul(16f).sub(FloatVector.fromMemorySegment(F, w, sup + 2 * SUPER5 + 4L * ROWS, LE)
                    .mul((FloatVector) h2.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            FloatVector e3 = d3.mul(16f).sub(FloatVector.fromMemorySegment(F, w, sup + 3 * SUPER5 + 4L * ROWS, LE)
                    .mul((FloatVector) h3.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            IntVector v0 = ShortVector.zero(S).add(x).reinterpretAsInts(); // x..q carried: see LoopCarried
            IntVector v1 = ShortVector.zero(S).add(y).reinterpretAsInts();
            IntVector v2 = ShortVector.zero(S).add(z).reinterpretAsInts();
            IntVector v3 = ShortVector.zero(S).add(q).reinterpretAsInts();
            FloatVector n0 = (FloatVector) v0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v0.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector n1 = (FloatVector) v1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v1.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector n2 = (FloatVector) v2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v2.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector n3 = (FloatVector) v3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v3.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector da = FloatVector.broadcast(F, a.scales[b]);
            FloatVector dsum = FloatVector.broadcast(F, a.scales[b] * a.sums[b]);
            acc0 = e0.fma(dsum, n0.mul(d0).fma(da, acc0));
            acc1 = e1.fma(dsum, n1.mul(d1).fma(da, acc1));
            acc2 = e2.fma(dsum, n2.mul(d2).fma(da, acc2));
            acc3 = e3.fma(dsum, n3.mul(d3).fma(da, acc3));
        }
        LoopCarried.FLOATS.add(acc0).intoArray(out, o);
        LoopCarried.FLOATS.add(acc1).intoArray(out, o + ROWS);
        LoopCarried.FLOATS.add(acc2).intoArray(out, o + 2 * ROWS);
        LoopCarried.FLOATS.add(acc3).intoArray(out, o + 3 * ROWS);
    }

    /** {@link #k5Matvec4}'s arithmetic for one Q5_K tile (a matrix's last tiles, outside whole groups). */
    private static void k5Matvec1(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long quant = quantOffset(Format.Q5_K, tiles(rows), blocks, t, 0);
        long scales = scaleOffset(Format.Q5_K, tiles(rows), blocks, t, 0);
        long quantStride = quantStride(tiles(rows), t);
        long stride = blockStride(Format.Q5_K, tiles(rows), t);
        long supers = superOffset(Format.Q5_K, tiles(rows), blocks, t, 0);
        long superStride = inGroup(tiles(rows), t) * SUPER5;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long cell = quant + b * stride;
            int po = b * Q8Activations.PAIRS;
            IntVector hi = IntVector.fromMemorySegment(I, w, cell + quantStride * 4, LE);
            ShortVector s = ShortVector.zero(S);
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, cell + quantStride * m, LE);
                IntVector hm = hi.lanewise(VectorOperators.LSHR, 4 * m); // pairs 4m..4m+3's high bits at 0..3 and 16..19
                int p = po + 4 * m;
                s = v.and(0x000F000F).reinterpretAsShorts().sub(hm.lanewise(VectorOperators.LSHL, 4).and(0x00100010).reinterpretAsShorts())
                        .mul(IntVector.broadcast(I, pairs[p]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().sub(hm.lanewise(VectorOperators.LSHL, 3).and(0x00100010).reinterpretAsShorts())
                        .mul(IntVector.broadcast(I, pairs[p + 1]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().sub(hm.lanewise(VectorOperators.LSHL, 2).and(0x00100010).reinterpretAsShorts())
                        .mul(IntVector.broadcast(I, pairs[p + 2]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().sub(hm.lanewise(VectorOperators.LSHL, 1).and(0x00100010).reinterpretAsShorts())
                        .mul(IntVector.broadcast(I, pairs[p + 3]).reinterpretAsShorts()).add(s);
            }
            long sup = supers + (b >> 3) * superStride;
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE, w, scales + b * stride, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = FloatVector.fromMemorySegment(F, w, sup, LE).mul((FloatVector) h.and(0xFF).convert(VectorOperators.I2F, 0));
            FloatVector e = d.mul(16f).sub(FloatVector.fromMemorySegment(F, w, sup + 4L * ROWS, LE)
                    .mul((FloatVector) h.lanewise(VectorOperators.LSHR, 8).and(0xFF).convert(VectorOperators.I2F, 0)));
            IntVector v = ShortVector.zero(S).add(s).reinterpretAsInts(); // s carried: see LoopCarried
            FloatVector n = (FloatVector) v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc = e.fma(FloatVector.broadcast(F, a.scales[b] * a.sums[b]), n.mul(d).fma(FloatVector.broadcast(F, a.scales[b]), acc));
        }
        int valid = rows - t * ROWS;
        if (valid >= ROWS) {
            LoopCarried.FLOATS.add(acc).intoArray(out, o);
        } else {
            LoopCarried.FLOATS.add(acc).intoArray(out, o, F.indexInRange(0, valid));
        }
    }

    /**
     * {@link #matvec4}'s arithmetic for four whole Q4_1 tiles: the nibbles' sums without Q4_0's offset of 8, scaled by
     * d, and the min m meeting the activations' block sum: {@code d_x * (sum * d + x_sum * m)}, two FMAs.
     */
    private static void q41Matvec4(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        // a whole group of four tiles, interleaved block by block: one stream
        long group = (long) t * blocks * Q41_CELL;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        for (int b = 0; b < blocks; b++) {
            // the block's run: quant group m of tile i at (4m + i) * GROUP, then the four tiles' scales
            long c0 = group + 4L * b * Q41_CELL;
            long s0 = c0 + 4 * Q4_SCALES;
            int po = b * Q8Activations.PAIRS;
            ShortVector x = ShortVector.zero(S);
            ShortVector y = x;
            ShortVector z = x;
            ShortVector q = x;
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 0), LE);
                IntVector u = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 1), LE);
                IntVector vv = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 2), LE);
                IntVector uu = IntVector.fromMemorySegment(I, w, c0 + GROUP * (4 * m + 3), LE);
                int p = po + 4 * m;
                ShortVector pa = IntVector.broadcast(I, pairs[p]).reinterpretAsShorts();
                ShortVector pb = IntVector.broadcast(I, pairs[p + 1]).reinterpretAsShorts();
                ShortVector pc = IntVector.broadcast(I, pairs[p + 2]).reinterpretAsShorts();
                ShortVector pd = IntVector.broadcast(I, pairs[p + 3]).reinterpretAsShorts();
                x = v.and(0x000F000F).reinterpretAsShorts().mul(pa).add(x);
                x = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(x);
                x = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(x);
                x = v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(x);
                y = u.and(0x000F000F).reinterpretAsShorts().mul(pa).add(y);
                y = u.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(y);
                y = u.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(y);
                y = u.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(y);
                z = vv.and(0x000F000F).reinterpretAsShorts().mul(pa).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(z);
                z = vv.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(z);
                q = uu.and(0x000F000F).reinterpretAsShorts().mul(pa).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(pb).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(pc).add(q);
                q = uu.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(pd).add(q);
            }
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 0L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 4L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 8L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 12L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d0 = h0.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d1 = h1.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d2 = h2.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector d3 = h3.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            // the mins, each tile's after its scales
            IntVector g0 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 2L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector g1 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 6L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector g2 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 10L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector g3 = (IntVector) ShortVector.fromMemorySegment(SCALE, w, s0 + 14L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector m0 = g0.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector m1 = g1.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector m2 = g2.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            FloatVector m3 = g3.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            IntVector v0 = ShortVector.zero(S).add(x).reinterpretAsInts(); // x..q carried: see LoopCarried
            IntVector v1 = ShortVector.zero(S).add(y).reinterpretAsInts();
            IntVector v2 = ShortVector.zero(S).add(z).reinterpretAsInts();
            IntVector v3 = ShortVector.zero(S).add(q).reinterpretAsInts();
            FloatVector r0 = (FloatVector) v0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v0.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector r1 = (FloatVector) v1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v1.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector r2 = (FloatVector) v2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v2.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector r3 = (FloatVector) v3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v3.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector da = FloatVector.broadcast(F, a.scales[b]);
            FloatVector dsum = FloatVector.broadcast(F, a.scales[b] * a.sums[b]);
            acc0 = m0.fma(dsum, r0.mul(d0).fma(da, acc0));
            acc1 = m1.fma(dsum, r1.mul(d1).fma(da, acc1));
            acc2 = m2.fma(dsum, r2.mul(d2).fma(da, acc2));
            acc3 = m3.fma(dsum, r3.mul(d3).fma(da, acc3));
        }
        LoopCarried.FLOATS.add(acc0).intoArray(out, o);
        LoopCarried.FLOATS.add(acc1).intoArray(out, o + ROWS);
        LoopCarried.FLOATS.add(acc2).intoArray(out, o + 2 * ROWS);
        LoopCarried.FLOATS.add(acc3).intoArray(out, o + 3 * ROWS);
    }

    /** {@link #q41Matvec4}'s arithmetic for one Q4_1 tile (a matrix's last tiles, outside whole groups). */
    private static void q41Matvec1(MemorySegment w, int rows, int blocks, Q8Activations a, int t, float[] out, int o) {
        int[] pairs = a.pairs;
        long quant = quantOffset(Format.Q4_1, tiles(rows), blocks, t, 0);
        long scales = scaleOffset(Format.Q4_1, tiles(rows), blocks, t, 0);
        long quantStride = quantStride(tiles(rows), t);
        long stride = blockStride(Format.Q4_1, tiles(rows), t);
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long cell = quant + b * stride;
            int po = b * Q8Activations.PAIRS;
            ShortVector s = ShortVector.zero(S);
            for (int m = 0; m < 4; m++) {
                IntVector v = IntVector.fromMemorySegment(I, w, cell + quantStride * m, LE);
                int p = po + 4 * m;
                s = v.and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 4).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 1]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 8).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 2]).reinterpretAsShorts()).add(s);
                s = v.lanewise(VectorOperators.LSHR, 12).and(0x000F000F).reinterpretAsShorts().mul(IntVector.broadcast(I, pairs[p + 3]).reinterpretAsShorts()).add(s);
            }
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SCALE, w, scales + b * stride, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector d = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            IntVector v = ShortVector.zero(S).add(s).reinterpretAsInts(); // s carried: see LoopCarried
            FloatVector r = (FloatVector) v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(v.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            IntVector g = (IntVector) ShortVector.fromMemorySegment(SCALE, w, scales + b * stride + 2L * ROWS, LE).convertShape(VectorOperators.S2I, I, 0);
            FloatVector mv = g.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f);
            acc = mv.fma(FloatVector.broadcast(F, a.scales[b] * a.sums[b]), r.mul(d).fma(FloatVector.broadcast(F, a.scales[b]), acc));
        }
        int valid = rows - t * ROWS;
        if (valid >= ROWS) {
            LoopCarried.FLOATS.add(acc).intoArray(out, o);
        } else {
            LoopCarried.FLOATS.add(acc).intoArray(out, o, F.indexInRange(0, valid));
        }
    }
}
