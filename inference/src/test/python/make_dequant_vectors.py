#!/usr/bin/env python3
"""Writes the dequantization test vectors used by DequantizeReferenceTest (run once; output is committed).

usage: python3 make_dequant_vectors.py [TOOLS_DIR] > ../resources/dev/chrysalis/inference/tensor/dequant-vectors.json

Random blocks (random bytes, with scale fields set to random finite f16 values) of every type the engine
supports. F32, F16, Q8_0, Q4_0, Q4_K and Q6_K are dequantized by the shared reference ggml_quants.py;
BF16, Q4_1 and Q5_K, which it does not cover, by the small numpy definitions below (GGML block layouts:
Q4_1 = f16 d, f16 m, 16 bytes of nibbles, y = d*q + m; Q5_K = f16 d, f16 dmin, 12 bytes of 6-bit scales/mins
(packed as Q4_K), 32 bytes of high bits qh, 128 bytes of nibbles; BF16 = upper half of an f32).
Expected values are written as float32 bit patterns so the comparison can be exact.
"""
import base64
import json
import os
import sys

import numpy as np

tools = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../../shared/tools")
sys.path.insert(0, os.path.abspath(tools))
import ggml_quants as gq  # noqa: E402

rng = np.random.default_rng(20261123)


def f16_bytes(n, scale):
    return (rng.standard_normal(n) * scale).astype(np.float16).view(np.uint8).reshape(n, 2)


def blocks(bytes_per_block, n, scale_offsets, scale=0.05):
    raw = rng.integers(0, 256, size=(n, bytes_per_block), dtype=np.uint8)
    for off in scale_offsets:
        raw[:, off:off + 2] = f16_bytes(n, scale)
    return raw


def q4_1(raw):
    d = raw[:, 0:2].copy().view(np.float16).astype(np.float32)
    m = raw[:, 2:4].copy().view(np.float16).astype(np.float32)
    qs = raw[:, 4:20]
    q = np.concatenate([qs & 15, qs >> 4], axis=1).astype(np.float32)
    return (d * q + m).reshape(-1)


def q5_k(raw):
    nb = raw.shape[0]
    d = raw[:, 0:2].copy().view(np.float16).astype(np.float32)
    dmin = raw[:, 2:4].copy().view(np.float16).astype(np.float32)
    sc, mn = gq._unpack_k4_scales(raw[:, 4:16])
    qh = raw[:, 16:48].astype(np.int32)
    qs = raw[:, 48:176].reshape(nb, 4, 32).astype(np.int32)
    q = np.empty((nb, 8, 32), dtype=np.float32)
    for c in range(4):
        q[:, 2 * c, :] = (qs[:, c, :] & 15) + ((qh >> (2 * c)) & 1) * 16
        q[:, 2 * c + 1, :] = (qs[:, c, :] >> 4) + ((qh >> (2 * c + 1)) & 1) * 16
    y = (d * sc.astype(np.float32))[:, :, None] * q - (dmin * mn.astype(np.float32))[:, :, None]
    return y.reshape(-1)


def bf16(raw):
    u = raw.reshape(-1, 2).copy().view(np.uint16).astype(np.uint32).reshape(-1) << 16
    return u.view(np.float32)


cases = []


def add(name, raw, values):
    values = np.asarray(values, dtype=np.float32)
    cases.append({
        "type": name,
        "elements": int(values.size),
        "bytes": base64.b64encode(raw.tobytes()).decode(),
        "bits": [int(b) for b in values.view(np.uint32)],
    })


x = (rng.standard_normal(512) * 3).astype(np.float32)
add("F32", np.frombuffer(x.tobytes(), np.uint8), gq.dequantize("F32", x.tobytes(), 512))
h = x.astype(np.float16)
add("F16", np.frombuffer(h.tobytes(), np.uint8), gq.dequantize("F16", h.tobytes(), 512))
bf = np.frombuffer(x.tobytes(), np.uint16)[1::2].copy()
add("BF16", np.frombuffer(bf.tobytes(), np.uint8), bf16(np.frombuffer(bf.tobytes(), np.uint8)))
r = blocks(34, 16, [0])
add("Q8_0", r, gq.dequantize("Q8_0", r.tobytes(), 16 * 32))
r = blocks(18, 16, [0])
add("Q4_0", r, gq.dequantize("Q4_0", r.tobytes(), 16 * 32))
r = blocks(20, 16, [0, 2])
add("Q4_1", r, q4_1(r))
r = blocks(144, 3, [0, 2], 0.01)
add("Q4_K", r, gq.dequantize("Q4_K", r.tobytes(), 3 * 256))
r = blocks(176, 3, [0, 2], 0.01)
add("Q5_K", r, q5_k(r))
r = blocks(210, 3, [208], 0.01)
add("Q6_K", r, gq.dequantize("Q6_K", r.tobytes(), 3 * 256))
json.dump({"generator": "make_dequant_vectors.py with ggml_quants.py", "cases": cases}, sys.stdout, separators=(",", ":"))
