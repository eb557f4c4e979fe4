#!/usr/bin/env python3
"""Writes small seed inputs for the fuzz targets into CORPUS/<target>/ (stdlib only).

  make_seeds.py CORPUS_DIR REPO_DIR

Seeds: the small test-data files, plus tiny hand-built files of each format (a torch.save-like
zip and legacy checkpoint pickled by Python's own pickler, a whisper.cpp .bin, a safetensors)."""
import io, json, os, pickle, shutil, struct, sys, types, zipfile, collections

corpus, repo = sys.argv[1], sys.argv[2]
data = os.path.join(repo, "tests", "data")

def put(target, name, blob):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)

def copy(target, rel, limit=200_000):
    p = os.path.join(data, rel)
    if os.path.exists(p) and os.path.getsize(p) <= limit:
        put(target, os.path.basename(p), open(p, "rb").read())

# --- safetensors
hdr = {"a": {"dtype": "F16", "shape": [2, 2], "data_offsets": [0, 8]},
       "b": {"dtype": "F8_E4M3", "shape": [4], "data_offsets": [8, 12]},
       "c": {"dtype": "I64", "shape": [1], "data_offsets": [12, 20]}, "__metadata__": {"format": "pt"}}
h = json.dumps(hdr).encode()
put("safetensors", "tiny.safetensors", struct.pack("<Q", len(h)) + h + bytes(range(20)))
copy("safetensors", "gguf_quants/io.safetensors", 140_000)

# --- gguf
for f in ("formats/all_types.gguf", "formats/flux_tiny-Q8_0-Q4_0.gguf", "formats/flux_tiny-sdcpp-q8_0.gguf"):
    copy("gguf", f)

# --- torch: Python's pickler with stand-ins for torch's rebuild functions and storage classes
torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch; sys.modules["torch._utils"] = utils
def _rebuild_tensor_v2(*a): pass
_rebuild_tensor_v2.__module__ = "torch._utils"; utils._rebuild_tensor_v2 = _rebuild_tensor_v2
class FloatStorage: pass
class HalfStorage: pass
for c in (FloatStorage, HalfStorage):
    c.__module__ = "torch"; setattr(torch, c.__name__, c)
class Storage:
    def __init__(self, key, cls, n): self.key, self.cls, self.n = key, cls, n
class Tensor:
    def __init__(self, st, shape, stride, off=0): self.st, self.shape, self.stride, self.off = st, shape, stride, off
    def __reduce_ex__(self, proto):
        return (_rebuild_tensor_v2, (self.st, self.off, self.shape, self.stride, False, collections.OrderedDict()))
class P(pickle.Pickler):
    def persistent_id(self, o):
        return ("storage", o.cls, o.key, "cpu", o.n) if isinstance(o, Storage) else None
s0, s1 = Storage("0", FloatStorage, 6), Storage("1", HalfStorage, 4)
obj = collections.OrderedDict(weight=collections.OrderedDict([
    ("dec.ups.0.weight_g", Tensor(s0, (2, 1, 1), (1, 1, 1))), ("dec.ups.0.weight_v", Tensor(s0, (2, 2, 1), (2, 1, 1), 2)),
    ("enc_p.emb_phone.weight", Tensor(s1, (2, 2), (2, 1)))]), config=[1, 2, "x", [3, 4]], sr="40k", version="v2")
buf = io.BytesIO(); P(buf, protocol=2).dump(obj); pk = buf.getvalue()
z = io.BytesIO()
with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
    zf.writestr("archive/data.pkl", pk); zf.writestr("archive/byteorder", "little")
    zf.writestr("archive/data/0", struct.pack("<6f", 1, 2, 3, 4, 5, 6)); zf.writestr("archive/data/1", bytes(8))
put("torch", "tiny_zip.pth", z.getvalue())
legacy = io.BytesIO()
for part in (0x1950a86a20f9469cfc6c, 1001, {"little_endian": True}):
    pickle.dump(part, legacy, protocol=2)
P(legacy, protocol=2).dump(obj); pickle.dump(["0", "1"], legacy, protocol=2)
legacy.write(struct.pack("<q", 6) + struct.pack("<6f", 1, 2, 3, 4, 5, 6) + struct.pack("<q", 4) + bytes(8))
put("torch", "tiny_legacy.pt", legacy.getvalue())
for proto in (0, 4, 5):
    b = io.BytesIO(); P(b, protocol=proto).dump(obj); put("torch", f"pickle_p{proto}.pkl", b.getvalue())
copy("torch", "formats/contentvec_tiny/pytorch_model.bin")

# --- whisper.cpp .bin
w = struct.pack("<I", 0x67676D6C) + struct.pack("<11i", 100, 1500, 8, 2, 1, 448, 8, 2, 1, 2, 1)
w += struct.pack("<ii", 2, 3) + struct.pack("<6f", *range(6)) + struct.pack("<i", 2)
for t in (b"a", b"\xc4\xa0b"):
    w += struct.pack("<I", len(t)) + t
for name, ne, ty in ((b"encoder.conv1.weight", (3, 2, 8), 1), (b"encoder.conv1.bias", (1, 8), 0)):
    n = 1
    for d in ne: n *= d
    w += struct.pack("<3i", len(ne), len(name), ty) + struct.pack(f"<{len(ne)}i", *ne) + name + bytes(n * (2 if ty else 4))
put("whisper_bin", "tiny.bin", w)
