#!/usr/bin/env python3
"""Copies named tensors (raw bytes, any dtype) from one safetensors file into a new, smaller one.
Used to keep only the fixture tensors a test needs: extract_tensors.py IN OUT name [name ...]"""
import json, struct, sys

def main(src, dst, names):
    with open(src, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out_header, blobs, offset = {}, [], 0
    for name in names:
        info = header[name]
        a, b = info["data_offsets"]
        out_header[name] = {"dtype": info["dtype"], "shape": info["shape"],
                            "data_offsets": [offset, offset + (b - a)]}
        blobs.append(data[a:b])
        offset += b - a
    raw = json.dumps(out_header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
