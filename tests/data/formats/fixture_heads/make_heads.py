#!/usr/bin/env python3
"""Keeps only the header of the fixture safetensors files that are too large to commit
(t5/clip/ae of flux_tiny, the RVC v2 safetensors twin, the HF whisper folder's model).

usage: make_heads.py <shared fixtures dir> <out dir>

<name>.head = the file's first 8 + header-length bytes (length field + JSON header, unchanged);
sizes.json  = {<name>.head: the original file size}. tests/formats/fixture_models_test.cpp
rebuilds each file as head + zero bytes up to that size: detection and naming depend on the
header only (names, dtypes, shapes); the weight values are checked by each model's own tests."""
import json
import os
import shutil
import struct
import sys

FILES = ['flux_tiny/t5_tiny_fp16.safetensors', 'flux_tiny/clip_l_tiny_fp16.safetensors', 'flux_tiny/ae_tiny.safetensors',
         'rvc_tiny_v2_40k/rvc_tiny_v2_40k.safetensors', 'whisper_tiny/hf/model.safetensors']

src, out = sys.argv[1:3]
sizes = {}
for rel in FILES:
    path = os.path.join(src, rel)
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        f.seek(0)
        head = f.read(8 + n)
    name = rel.replace('/', '__') + '.head'
    with open(os.path.join(out, name), 'wb') as f:
        f.write(head)
    sizes[name] = os.path.getsize(path)
shutil.copy(os.path.join(src, 'whisper_tiny/hf/config.json'), os.path.join(out, 'whisper_tiny__hf__config.json'))
with open(os.path.join(out, 'sizes.json'), 'w') as f:
    json.dump(sizes, f, indent=1)
