package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gpu.KernelShapes.Launch;
import dev.chrysalis.inference.gpu.cuda.Dim3;
import org.junit.jupiter.api.Test;

/** Launch shapes as KERNELS.md fixes them, and the flash-decoding split plan. */
class KernelShapesTest {

    @Test
    void matrixKernelsCoverEveryRowAndTokenWithTheContractBlocks() {
        Launch mv = KernelShapes.matvec(4097);
        assertEquals(new Dim3(513, 1, 1), mv.grid(), "one warp per row, 8 rows per block");
        assertEquals(Dim3.of(256), mv.block());
        Launch mm = KernelShapes.matmul(2048, 100);
        assertEquals(new Dim3(32, 2, 1), mm.grid(), "64x64 output tiles");
        assertEquals(Dim3.of(128), mm.block());
        assertEquals(new Dim3(1, 1, 1), KernelShapes.matmul(64, 64).grid());
        assertEquals(new Dim3(2, 2, 1), KernelShapes.matmul(65, 65).grid());
        assertEquals(Dim3.of(512 + 128 + 128), KernelShapes.matvec3(4096, 1024, 1024).grid(), "q, k and v of a GQA model");
        assertEquals(Dim3.of(2 + 2), KernelShapes.matvec3(13, 9, 0).grid(), "gate and up: no third matrix");
        assertEquals(Dim3.of(256), KernelShapes.matvec3(13, 9, 6).block());
    }

    @Test
    void perHeadBlocksAreWarpMultiplesCappedAt256() {
        assertEquals(Dim3.of(32), KernelShapes.rmsnormHeads(16, 8).block(), "stories260K: head size 8");
        assertEquals(Dim3.of(128), KernelShapes.rmsnormHeads(16, 128).block());
        assertEquals(Dim3.of(16), KernelShapes.rmsnormHeads(16, 128).grid());
        assertEquals(Dim3.of(256), KernelShapes.rmsnormHeads(1, 300).block());
        assertEquals(Dim3.of(1024), KernelShapes.rmsnorm(1, 4096).block(), "a float4 per thread");
        assertEquals(new Dim3(3, 1, 1), KernelShapes.rmsnorm(3, 2048).grid());
        assertEquals(Dim3.of(512), KernelShapes.rmsnorm(3, 2048).block());
        assertEquals(Dim3.of(1024), KernelShapes.rmsnorm(1, 8192).block(), "longer rows: several float4 per thread");
        assertEquals(Dim3.of(32), KernelShapes.rmsnorm(1, 64).block());
        Launch rope = KernelShapes.ropeKvStore(32, 8, 7, 128);
        assertEquals(Dim3.of(128), rope.block(), "a thread per dimension of a head");
        assertEquals(new Dim3(40, 7, 1), rope.grid(), "query heads, then key/value heads");
        assertEquals(Dim3.of(32), KernelShapes.ropeKvStore(8, 8, 1, 8).block());
        assertEquals(Dim3.of(256), KernelShapes.ropeKvStore(8, 8, 1, 256).block());
        assertEquals(Dim3.of(64), KernelShapes.attnDecodeCombine(32, 64).block());
        assertEquals(Dim3.of(96), KernelShapes.attnDecodeCombine(32, 80).block());
        assertThrows(IllegalArgumentException.class, () -> KernelShapes.warpRounded(0, 256));
    }

    @Test
    void elementwiseAndEmbeddingCoverTheirRange() {
        assertEquals(Dim3.of(3), KernelShapes.elementwise(513).grid());
        assertEquals(Dim3.of(256), KernelShapes.elementwise(513).block());
        assertEquals(new Dim3(8, 5, 1), KernelShapes.embed(2048, 5).grid());
        assertEquals(new Dim3(32, 17, 1), KernelShapes.attnPrefill(32, 17).grid());
        assertEquals(Dim3.of(128), KernelShapes.attnPrefill(32, 17).block());
        assertEquals(Dim3.of(1024), KernelShapes.sampling().block());
        assertEquals(Dim3.of(1), KernelShapes.sampling().grid());
        assertEquals(Dim3.of(43), KernelShapes.quantizeQ8(11008).grid(), "a warp per block of 32 values");
        assertEquals(Dim3.of(17), KernelShapes.quantizeQ8(4128).grid(), "the last 256-thread block only partly used");
        assertEquals(Dim3.of(256), KernelShapes.quantizeQ8(11008).block());
    }

    @Test
    void tensorCoreKernelTakesOnlyColumnCountsTheContractAllows() {
        assertFalse(KernelShapes.matmulSupports(GgmlType.F32, 172), "stories260K's ffn_down falls back to matvec per token");
        assertTrue(KernelShapes.matmulSupports(GgmlType.F32, 64));
        assertFalse(KernelShapes.matmulSupports(GgmlType.F16, 48));
        assertTrue(KernelShapes.matmulSupports(GgmlType.Q8_0, 96));
        assertTrue(KernelShapes.matmulSupports(GgmlType.Q4_K, 2048));
        assertFalse(KernelShapes.matmulSupports(GgmlType.Q6_K, 2048 + 32));
    }

    @Test
    void decodeSplitsCoverTheCacheInWarpMultiplesWithinTheSharedBuffer() {
        // H200: 132 multiprocessors; 32 query heads -> 17 splits at most
        assertEquals(17, KernelShapes.maxSplits(32, 132));
        assertEquals(256, KernelShapes.splitLength(4096, 32, 132));
        assertEquals(16, KernelShapes.splits(4096, 256));
        for (int heads : new int[] {1, 8, 14, 32, 64}) {
            for (int sms : new int[] {1, 46, 108, 132}) {
                int max = KernelShapes.maxSplits(heads, sms);
                for (int cap = 1; cap <= 20_000; cap += 37) {
                    int len = KernelShapes.splitLength(cap, heads, sms);
                    int splits = KernelShapes.splits(cap, len);
                    assertEquals(0, len % 32, "split length " + len);
                    assertTrue((long) splits * len >= cap, "splits cover capacity " + cap);
                    assertTrue(splits <= max, cap + " positions, " + heads + " heads, " + sms + " SMs: " + splits + " splits > " + max);
                }
            }
        }
    }
}
