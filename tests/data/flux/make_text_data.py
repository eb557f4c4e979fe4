#!/usr/bin/env python3
"""Builds the text-encoder part of tests/data/flux from ../shared/fixtures/flux_tiny (pure Python).

usage: make_text_data.py <fixtures/flux_tiny dir> <out dir>

t5_tiny_fp16.safetensors: the fixture file, copied (T5 heads come from the position-bias table).
clip_l_tiny_fp16.safetensors: the fixture file, tensors byte-identical; __metadata__ gains
  "vkflow.clip.num_heads": "2" (hidden 16 is not 64-wide heads; real clip_l needs no key).
text_io.safetensors: the io tensors tests/flux_text compares (copied bytes)."""
import os, shutil, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'sd15'))
from make_data import read_st, write_st  # noqa: E402

IO_NAMES = ['t5_input_ids', 't5_last_hidden_state', 'clip_input_ids', 'clip_pooler_output', 'clip_last_hidden_state']


def main(src, dst):
    shutil.copyfile(os.path.join(src, 't5_tiny_fp16.safetensors'), os.path.join(dst, 't5_tiny_fp16.safetensors'))
    clip, meta = read_st(os.path.join(src, 'clip_l_tiny_fp16.safetensors'))
    meta = dict(meta)
    meta['vkflow.clip.num_heads'] = '2'
    write_st(os.path.join(dst, 'clip_l_tiny_fp16.safetensors'), clip, meta, sorted(clip))
    io, _ = read_st(os.path.join(src, 'io.safetensors'))
    write_st(os.path.join(dst, 'text_io.safetensors'), io, {'source': 'flux_tiny/io.safetensors'}, IO_NAMES)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
