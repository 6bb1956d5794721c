package dev.chrysalis.inference.gpu.cuda;

import dev.chrysalis.inference.gguf.GgmlType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one table of kernels the Java side launches, with their parameter counts, as the contract in
 * {@code inference/src/main/cuda/KERNELS.md} defines them. Launch through these names; PtxContractTest
 * checks each against the committed PTX and {@link CudaModule#function(Kernel)} against the loaded one.
 */
public final class CudaKernels {

    /** A contract kernel: its PTX entry name and number of parameters. */
    public record Kernel(String name, int params) {
    }

    /** Weight types the quantized matvec, matmul and embedding kernels read. */
    public static final List<GgmlType> WEIGHT_TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);
    /**
     * Weight types with a {@code matvec3} kernel (three products of one x in one launch) and the Q8-activation
     * kernels ({@code matvec_q8x_}, {@code matvec3_q8x_}).
     */
    public static final List<GgmlType> MATVEC3_TYPES = List.of(GgmlType.Q8_0, GgmlType.Q4_0);

    public static final Kernel RMSNORM_F32 = new Kernel("rmsnorm_f32", 5);
    public static final Kernel RMSNORM_HEADS_F32 = new Kernel("rmsnorm_heads_f32", 4);
    public static final Kernel ROPE_F32 = new Kernel("rope_f32", 9);
    public static final Kernel ADD_BIAS_F32 = new Kernel("add_bias_f32", 4);
    public static final Kernel ADD_F32 = new Kernel("add_f32", 3);
    public static final Kernel SILU_MUL_F32 = new Kernel("silu_mul_f32", 3);
    public static final Kernel KV_STORE_F16 = new Kernel("kv_store_f16", 7);
    public static final Kernel ROPE_KV_STORE_F16 = new Kernel("rope_kv_store_f16", 14);
    public static final Kernel ATTN_DECODE_SPLIT = new Kernel("attn_decode_split", 11);
    public static final Kernel ATTN_DECODE_COMBINE = new Kernel("attn_decode_combine", 7);
    public static final Kernel ATTN_PREFILL = new Kernel("attn_prefill", 11);
    public static final Kernel ARGMAX_F32 = new Kernel("argmax_f32", 3);
    public static final Kernel SAMPLE_F32 = new Kernel("sample_f32", 8);
    public static final Kernel QUANTIZE_Q8_F32 = new Kernel("quantize_q8_f32", 5);

    private static final int MATVEC_PARAMS = 5;
    private static final int MATVEC3_PARAMS = 11;
    private static final int MATVEC_Q8X_PARAMS = 7;
    private static final int MATVEC3_Q8X_PARAMS = 13;
    private static final int MATMUL_PARAMS = 6;
    private static final int EMBED_PARAMS = 5;

    private static final List<Kernel> ALL = table();
    private static final Map<String, Kernel> BY_NAME = ALL.stream().collect(Collectors.toUnmodifiableMap(Kernel::name, Function.identity()));

    private CudaKernels() {
    }

    /** {@code matvec_<type>}: y = W x. */
    public static Kernel matvec(GgmlType type) {
        return typed("matvec_", type, "", MATVEC_PARAMS);
    }

    /** {@code matvec_<type>_add}: y += W x (fused residual add). */
    public static Kernel matvecAdd(GgmlType type) {
        return typed("matvec_", type, "_add", MATVEC_PARAMS);
    }

    /**
     * {@code matvec3_<type>}: up to three products of one x in one launch (q, k, v; gate, up).
     *
     * @throws IllegalArgumentException for a type outside {@link #MATVEC3_TYPES}
     */
    public static Kernel matvec3(GgmlType type) {
        requireMatvec3Type(type);
        return typed("matvec3_", type, "", MATVEC3_PARAMS);
    }

    private static void requireMatvec3Type(GgmlType type) {
        if (!MATVEC3_TYPES.contains(type)) {
            throw new IllegalArgumentException("no fused or Q8-activation kernel for weights of type " + type + " (only " + MATVEC3_TYPES + ")");
        }
    }

    /**
     * {@code matvec_q8x_<type>}, {@code _add} with {@code add}: y = W x (or y += W x) with x quantized to Q8_0
     * by {@link #QUANTIZE_Q8_F32}, in integer dot products; for the types of {@link #MATVEC3_TYPES}.
     */
    public static Kernel matvecQ8x(GgmlType type, boolean add) {
        requireMatvec3Type(type);
        return typed("matvec_q8x_", type, add ? "_add" : "", MATVEC_Q8X_PARAMS);
    }

    /** {@code matvec3_q8x_<type>}: {@link #matvec3} with x quantized to Q8_0. */
    public static Kernel matvec3Q8x(GgmlType type) {
        requireMatvec3Type(type);
        return typed("matvec3_q8x_", type, "", MATVEC3_Q8X_PARAMS);
    }

    /** {@code matmul_<type>}: prefill, Y = X W^T on tensor cores. */
    public static Kernel matmul(GgmlType type) {
        return typed("matmul_", type, "", MATMUL_PARAMS);
    }

    /** {@code embed_<type>}: rows of the embedding table to float. */
    public static Kernel embed(GgmlType type) {
        return typed("embed_", type, "", EMBED_PARAMS);
    }

    /** Whether the kernels read weights of {@code type}. */
    public static boolean supports(GgmlType type) {
        return WEIGHT_TYPES.contains(type);
    }

    /** Every contract kernel. */
    public static List<Kernel> all() {
        return ALL;
    }

    /**
     * The contract kernel {@code name}.
     *
     * @throws IllegalArgumentException when the contract has no such kernel
     */
    public static Kernel named(String name) {
        Kernel k = BY_NAME.get(name);
        if (k == null) {
            throw new IllegalArgumentException("'" + name + "' is not a kernel of the contract (KERNELS.md)");
        }
        return k;
    }

    private static Kernel typed(String prefix, GgmlType type, String suffix, int params) {
        if (!supports(type)) {
            throw new IllegalArgumentException("no GPU kernel for weights of type " + type + " (supported: " + WEIGHT_TYPES + ")");
        }
        return new Kernel(prefix + type.name().toLowerCase(java.util.Locale.ROOT) + suffix, params);
    }

    private static List<Kernel> table() {
        List<Kernel> all = new ArrayList<>(List.of(RMSNORM_F32, RMSNORM_HEADS_F32, ROPE_F32, ADD_BIAS_F32, ADD_F32, SILU_MUL_F32,
                KV_STORE_F16, ROPE_KV_STORE_F16, ATTN_DECODE_SPLIT, ATTN_DECODE_COMBINE, ATTN_PREFILL, ARGMAX_F32, SAMPLE_F32,
                QUANTIZE_Q8_F32));
        for (GgmlType t : WEIGHT_TYPES) {
            all.add(matvec(t));
            all.add(matvecAdd(t));
            if (MATVEC3_TYPES.contains(t)) {
                all.addAll(List.of(matvec3(t), matvecQ8x(t, false), matvecQ8x(t, true), matvec3Q8x(t)));
            }
            all.add(matmul(t));
            all.add(embed(t));
        }
        return List.copyOf(all);
    }
}
