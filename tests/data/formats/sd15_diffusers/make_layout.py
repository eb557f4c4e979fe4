#!/usr/bin/env python3
"""Describes a diffusers SD1.5 pipeline folder made from the tiny single-file checkpoint by renaming
its tensors (LDM -> diffusers, as diffusers' own conversion names them). Pure Python (stdlib).

usage: make_layout.py <tests/data/sd15/sd15_tiny.safetensors> <fixtures/sd15_tiny/case.json> <out dir>

Writes into <out dir>:
  layout.json   per component: the weights file to write, its format, and for each tensor
                [diffusers name, LDM name of the bytes to copy, diffusers shape]; "ldm_only" lists the
                single-file tensors a diffusers folder does not hold (DDPM buffers, CLIP position_ids).
  model_index.json, unet/config.json, vae/config.json, text_encoder/config.json,
  scheduler/scheduler_config.json (configs from case.json).
The weight files themselves (~5 MB) are not committed: tests/formats/diffusers_folder_test.cpp
writes them from layout.json, copying each tensor's bytes from the single file unchanged.
The renaming here is written independently of runtime/formats/diffusers_names.cpp (it walks the
LDM blocks forward), so the test checks one against the other."""
import json
import os
import re
import struct
import sys

LEVELS, LAYERS = 4, 2  # SD1.x: 4 resolutions, 2 resnets per down block (3 per up block)


def read_header(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        h = json.loads(f.read(n))
    h.pop('__metadata__', None)
    return h


UNET_RESNET = [('in_layers.0.', 'norm1.'), ('in_layers.2.', 'conv1.'), ('emb_layers.1.', 'time_emb_proj.'),
               ('out_layers.0.', 'norm2.'), ('out_layers.3.', 'conv2.'), ('skip_connection.', 'conv_shortcut.')]


def sub_front(rest, table):
    for a, b in table:
        if rest.startswith(a):
            return b + rest[len(a):]
    return rest


def unet(name, up_attn):
    per = LAYERS + 1
    for a, b in [('time_embed.0.', 'time_embedding.linear_1.'), ('time_embed.2.', 'time_embedding.linear_2.'),
                 ('input_blocks.0.0.', 'conv_in.'), ('out.0.', 'conv_norm_out.'), ('out.2.', 'conv_out.')]:
        if name.startswith(a):
            return b + name[len(a):]
    m = re.match(r'input_blocks\.(\d+)\.(\d+)\.(.*)', name)
    if m:
        k, part, rest = int(m[1]), int(m[2]), m[3]
        level, j = (k - 1) // per, (k - 1) % per
        if j == LAYERS:  # the level's downsampler slot
            assert part == 0 and rest.startswith('op.'), name
            return f'down_blocks.{level}.downsamplers.0.conv.' + rest[3:]
        if part == 0:
            return f'down_blocks.{level}.resnets.{j}.' + sub_front(rest, UNET_RESNET)
        return f'down_blocks.{level}.attentions.{j}.' + rest
    m = re.match(r'middle_block\.(\d+)\.(.*)', name)
    if m:
        if m[1] == '1':
            return 'mid_block.attentions.0.' + m[2]
        return f'mid_block.resnets.{int(m[1]) // 2}.' + sub_front(m[2], UNET_RESNET)
    m = re.match(r'output_blocks\.(\d+)\.(\d+)\.(.*)', name)
    if m:
        k, part, rest = int(m[1]), int(m[2]), m[3]
        level, j = k // per, k % per
        if part == 0:
            return f'up_blocks.{level}.resnets.{j}.' + sub_front(rest, UNET_RESNET)
        if part == 1 and level in up_attn:
            return f'up_blocks.{level}.attentions.{j}.' + rest
        assert j == LAYERS and rest.startswith('conv.'), name
        return f'up_blocks.{level}.upsamplers.0.conv.' + rest[5:]
    raise ValueError('unmapped UNet tensor ' + name)


VAE_ATTN = [('norm.', 'group_norm.'), ('q.', 'to_q.'), ('k.', 'to_k.'), ('v.', 'to_v.'), ('proj_out.', 'to_out.0.')]


def vae(name, shape):
    if name.startswith(('quant_conv.', 'post_quant_conv.')):
        return name, shape
    side, rest = name.split('.', 1)
    if rest.startswith(('conv_in.', 'conv_out.')):
        return name, shape
    if rest.startswith('norm_out.'):
        return f'{side}.conv_norm_out.' + rest[9:], shape
    rest = rest.replace('nin_shortcut.', 'conv_shortcut.')
    m = re.match(r'mid\.block_(\d)\.(.*)', rest)
    if m:
        return f'{side}.mid_block.resnets.{int(m[1]) - 1}.{m[2]}', shape
    if rest.startswith('mid.attn_1.'):
        a = sub_front(rest[len('mid.attn_1.'):], VAE_ATTN)
        if len(shape) == 4 and not a.startswith('group_norm.'):
            assert shape[2:] == [1, 1], name
            shape = shape[:2]  # diffusers uses linears where LDM has 1x1 convs
        return f'{side}.mid_block.attentions.0.' + a, shape
    m = re.match(r'down\.(\d+)\.(block\.(\d+)|downsample)\.(.*)', rest)
    if m and side == 'encoder':
        if m[3] is not None:
            return f'encoder.down_blocks.{m[1]}.resnets.{m[3]}.{m[4]}', shape
        return f'encoder.down_blocks.{m[1]}.downsamplers.0.{m[4]}', shape
    m = re.match(r'up\.(\d+)\.(block\.(\d+)|upsample)\.(.*)', rest)
    if m and side == 'decoder':
        i = LEVELS - 1 - int(m[1])  # diffusers counts decoder blocks from the top
        if m[3] is not None:
            return f'decoder.up_blocks.{i}.resnets.{m[3]}.{m[4]}', shape
        return f'decoder.up_blocks.{i}.upsamplers.0.{m[4]}', shape
    raise ValueError('unmapped VAE tensor ' + name)


def main():
    ckpt, case_path, out = sys.argv[1:4]
    h = read_header(ckpt)
    case = json.load(open(case_path))
    up_attn = {i for i, t in enumerate(case['unet_config']['up_block_types']) if 'CrossAttn' in t}
    comps = {
        'unet': {'file': 'unet/diffusion_pytorch_model.fp16.safetensors', 'format': 'safetensors', 'tensors': []},
        'vae': {'file': 'vae/diffusion_pytorch_model.safetensors', 'format': 'safetensors', 'tensors': []},
        'text_encoder': {'file': 'text_encoder/pytorch_model.bin', 'format': 'pytorch-zip', 'tensors': []},
    }
    ldm_only = []
    for name in sorted(h, key=lambda n: h[n]['data_offsets'][0]):
        shape = h[name]['shape']
        if name.startswith('model.diffusion_model.'):
            comps['unet']['tensors'].append([unet(name[22:], up_attn), name, shape])
        elif name.startswith('first_stage_model.'):
            d, s = vae(name[18:], shape)
            comps['vae']['tensors'].append([d, name, s])
        elif name.startswith('cond_stage_model.transformer.') and not name.endswith('position_ids'):
            comps['text_encoder']['tensors'].append([name[len('cond_stage_model.transformer.'):], name, shape])
        else:
            ldm_only.append(name)
    for c in comps.values():
        names = [t[0] for t in c['tensors']]
        assert len(set(names)) == len(names), 'duplicate diffusers names'
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'layout.json'), 'w') as f:
        json.dump({'source': 'tests/data/sd15/sd15_tiny.safetensors', 'components': comps, 'ldm_only': ldm_only}, f, indent=0)
    index = {'_class_name': 'StableDiffusionPipeline', '_diffusers_version': '0.40.0.dev0',
             'unet': ['diffusers', 'UNet2DConditionModel'], 'vae': ['diffusers', 'AutoencoderKL'],
             'text_encoder': ['transformers', 'CLIPTextModel'], 'tokenizer': ['transformers', 'CLIPTokenizer'],
             'scheduler': ['diffusers', 'PNDMScheduler'], 'safety_checker': [None, None],
             'feature_extractor': [None, None], 'requires_safety_checker': False}
    files = {'model_index.json': index, 'unet/config.json': case['unet_config'], 'vae/config.json': case['vae_config'],
             'text_encoder/config.json': case['text_encoder_config'],
             'scheduler/scheduler_config.json': {'_class_name': 'PNDMScheduler', 'beta_start': 0.00085, 'beta_end': 0.012,
                                                 'beta_schedule': 'scaled_linear', 'num_train_timesteps': 1000,
                                                 'set_alpha_to_one': False, 'skip_prk_steps': True, 'steps_offset': 1}}
    for rel, obj in files.items():
        os.makedirs(os.path.dirname(os.path.join(out, rel)) or out, exist_ok=True)
        with open(os.path.join(out, rel), 'w') as f:
            json.dump(obj, f, indent=1)


if __name__ == '__main__':
    main()
