#!/usr/bin/env python3
"""Write a full-size FLUX transformer GGUF of random weights, in city96/ComfyUI-GGUF style, from a
manifest in ../shared/fixtures/manifests (e.g. flux1-schnell.safetensors.json). For timing and memory
benchmarks only (vkflow and stable-diffusion.cpp's --diffusion-model both read it).

  make_random_gguf.py MANIFEST.json OUT.gguf [--type q4_k|q8_0|q4_0]

Layout as city96's convert.py writes FLUX: BFL tensor names in manifest order, GGUF v3, KV pairs
general.architecture=flux and general.quantization_version=2, default alignment 32; 1-D tensors F32,
img_in/txt_in/time_in/vector_in/guidance_in/final_layer F16, every other 2-D weight quantized.

Deterministic on any machine and numpy version: all randomness comes from SHAKE-256 and integer
arithmetic, never from numpy's generators or libm. Fast: each quantized tensor tiles a pool of
random blocks (d/dmin chosen so dequantized values are ~N(0, 0.02)-sized), starting at a
name-dependent block, so nothing is quantized at write time.
"""
import argparse, hashlib, json, struct, sys, time, zlib
import numpy as np

ALIGN = 32
GGML = {"F32": 0, "F16": 1, "q4_0": 2, "q8_0": 8, "q4_k": 12}
F16_PREFIXES = ("img_in.", "txt_in.", "time_in.", "vector_in.", "guidance_in.", "final_layer.")


def random_bytes(tag, n):
    return np.frombuffer(hashlib.shake_256(tag.encode()).digest(n), dtype=np.uint8)


def unit_normals(tag, n):
    """~N(0, 1) as float64: Irwin-Hall sum of four uniform uint16 (exact integer math)."""
    u = random_bytes(tag, 8 * n).view("<u2").astype(np.int64).reshape(n, 4).sum(axis=1)
    return (u - 2 * 65535) / (65536 / np.sqrt(3.0))  # var of one uint16 is ~65536^2/12


def f16(a):
    return np.asarray(a, dtype=np.float64).astype(np.float16)


def q4_k_pool(n_blocks):
    """block_q4_K: f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of 4-bit quants.
    Sub-block j dequantizes to d*sc_j*q - dmin*m_j; with dmin = 8d and m_j ~ 7.5*sc_j/8 that is
    ~d*sc_j*(q - 7.5), std ~4.6*d*sc_j ~ 0.02 for sc_j in [32, 63]."""
    r = random_bytes("q4_k", n_blocks * (2 + 16 + 128)).reshape(n_blocks, -1)
    d = 0.02 / (47.5 * 4.61) * (0.8 + 0.4 * r[:, 0] / 255.0)
    sc = 32 + (r[:, 2:10] & 31)                              # [n, 8] in 32..63
    m = np.minimum(63, np.round(sc * 7.5 / 8.0)).astype(np.uint8)
    sc = sc.astype(np.uint8)
    scales = np.zeros((n_blocks, 12), np.uint8)              # ggml's get_scale_min_k4 packing
    scales[:, 0:4] = sc[:, 0:4] | ((sc[:, 4:8] >> 4) << 6)
    scales[:, 4:8] = m[:, 0:4] | ((m[:, 4:8] >> 4) << 6)
    scales[:, 8:12] = (sc[:, 4:8] & 15) | ((m[:, 4:8] & 15) << 4)
    blocks = np.zeros((n_blocks, 144), np.uint8)
    blocks[:, 0:2] = f16(d).view(np.uint8).reshape(n_blocks, 2)
    blocks[:, 2:4] = f16(8.0 * d).view(np.uint8).reshape(n_blocks, 2)
    blocks[:, 4:16] = scales
    blocks[:, 16:144] = r[:, 18:146]
    return blocks.tobytes(), 256, 144


def q8_0_pool(n_blocks):
    """block_q8_0: f16 d, 32 int8 (y = d*q); quants ~N(0, 40) clipped, d = 0.02/40."""
    q = np.clip(np.round(unit_normals("q8_0", n_blocks * 32) * 40), -127, 127).astype(np.int8)
    blocks = np.zeros((n_blocks, 34), np.uint8)
    blocks[:, 0:2] = f16(np.full(n_blocks, 0.02 / 40)).view(np.uint8).reshape(n_blocks, 2)
    blocks[:, 2:34] = q.view(np.uint8).reshape(n_blocks, 32)
    return blocks.tobytes(), 32, 34


def q4_0_pool(n_blocks):
    """block_q4_0: f16 d, 16 bytes of nibbles (y = d*(q - 8)); uniform nibbles, d = 0.02/4.6."""
    blocks = np.zeros((n_blocks, 18), np.uint8)
    blocks[:, 0:2] = f16(np.full(n_blocks, 0.02 / 4.6)).view(np.uint8).reshape(n_blocks, 2)
    blocks[:, 2:18] = random_bytes("q4_0", n_blocks * 16).reshape(n_blocks, 16)
    return blocks.tobytes(), 32, 18


class Pool:
    """Bytes of one element type; a tensor is the pool rotated to a name-dependent unit, tiled."""

    def __init__(self, data, unit):
        self.data, self.unit = memoryview(data), unit

    def write(self, f, name, nbytes):
        units = len(self.data) // self.unit
        start = (zlib.crc32(name.encode()) % units) * self.unit
        pieces = [self.data[start:], self.data[:start]]
        while nbytes > 0:
            for p in pieces:
                k = min(len(p), nbytes)
                if k:
                    f.write(p[:k]); nbytes -= k


def tensor_type(name, shape, quant):
    if len(shape) == 1:
        return "F32"
    if name.startswith(F16_PREFIXES):
        return "F16"
    return quant


def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("manifest"); ap.add_argument("out")
    ap.add_argument("--type", default="q4_k", choices=["q4_k", "q8_0", "q4_0"])
    a = ap.parse_args()
    t0 = time.time()
    tensors = json.load(open(a.manifest))["tensors"]
    qpool, qblock, qbytes = {"q4_k": q4_k_pool, "q8_0": q8_0_pool, "q4_0": q4_0_pool}[a.type](1 << 15)
    pools = {a.type: Pool(qpool, qbytes),
             "F16": Pool(f16(0.02 * unit_normals("f16", 1 << 22)).tobytes(), 2)}
    normals = unit_normals("f32", 1 << 16)

    plan, offset = [], 0
    for t in tensors:
        shape = [int(x) for x in t["shape"]]
        ty = tensor_type(t["name"], shape, a.type)
        n = int(np.prod(shape))
        if ty == a.type:
            if shape[-1] % qblock:
                sys.exit(f"{t['name']}: row of {shape[-1]} values is not a multiple of the {a.type} block ({qblock})")
            size = n // qblock * qbytes
        else:
            size = n * {"F32": 4, "F16": 2}[ty]
        plan.append((t["name"], shape, ty, offset, size))
        offset += (size + ALIGN - 1) // ALIGN * ALIGN

    head = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(plan), 2))
    head += gguf_string("general.architecture") + struct.pack("<I", 8) + gguf_string("flux")
    head += gguf_string("general.quantization_version") + struct.pack("<II", 4, 2)
    for name, shape, ty, off, _ in plan:  # GGUF dims are innermost first: torch's shape reversed
        head += gguf_string(name) + struct.pack("<I", len(shape)) + struct.pack(f"<{len(shape)}Q", *shape[::-1])
        head += struct.pack("<IQ", GGML[ty], off)
    head += b"\0" * (-len(head) % ALIGN)

    with open(a.out, "wb") as f:
        f.write(head)
        for name, shape, ty, off, size in plan:
            if ty == "F32":
                n = size // 4
                v = np.resize(np.roll(normals, zlib.crc32(name.encode()) % len(normals)), n)
                is_scale = any(k in name for k in ("norm", "scale"))
                f.write((1.0 + 0.01 * v if is_scale else 0.02 * v).astype(np.float32).tobytes())
            else:
                pools[ty].write(f, name, size)
            f.write(b"\0" * (-size % ALIGN))
    total = len(head) + offset
    print(f"{a.out}: {len(plan)} tensors ({a.type}), {total} bytes ({total / 2**30:.2f} GiB) in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
