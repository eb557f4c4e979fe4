#!/usr/bin/env python3
"""Copies the small sampler tensors the tests need out of the shared fixtures (pure Python, no numpy).

usage: extract.py <fixtures dir> <out dir>
Writes sd15_tiny_sampler_runs.safetensors (sd15_tiny io.safetensors: per run sigmas, noise, step_latents,
step_denoised, final_latent, ancestral_noise) and comfyui_euler_ancestral.safetensors (comfyui_sd15
euler_ancestral_normal: noise, ancestral_noise, sigmas; metadata seed) and flux_tiny_run.safetensors
(flux_tiny io.safetensors: the FluxPipeline run's packed initial latent, sigmas, per-step velocity and
latents)."""
import json, struct, sys, os


def read_st(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        a, b = v['data_offsets']
        out[k] = (v['dtype'], v['shape'], data[a:b])
    return out


def write_st(path, tensors, metadata):
    header, blob = {'__metadata__': metadata}, b''
    for k in sorted(tensors):
        dt, shape, raw = tensors[k]
        header[k] = {'dtype': dt, 'shape': shape, 'data_offsets': [len(blob), len(blob) + len(raw)]}
        blob += raw
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + blob)


def main():
    fx, out = sys.argv[1], sys.argv[2]
    io = read_st(os.path.join(fx, 'sd15_tiny', 'io.safetensors'))
    keep = {k: v for k, v in io.items()
            if any(k.endswith(s) for s in ('_sigmas', '_noise', '_step_latents', '_step_denoised',
                                           '_final_latent', '_ancestral_noise'))
            and not k.startswith('kdiff')}
    write_st(os.path.join(out, 'sd15_tiny_sampler_runs.safetensors'), keep,
             {'source': 'shared/fixtures/sd15_tiny/io.safetensors'})
    case_dir = os.path.join(fx, 'comfyui_sd15', 'euler_ancestral_normal')
    t = read_st(os.path.join(case_dir, 'tensors.safetensors'))
    case = json.load(open(os.path.join(case_dir, 'case.json')))
    write_st(os.path.join(out, 'comfyui_euler_ancestral.safetensors'),
             {k: t[k] for k in ('noise', 'ancestral_noise', 'sigmas')},
             {'source': 'shared/fixtures/comfyui_sd15/euler_ancestral_normal', 'seed': str(case['seed']),
              'steps': str(case['steps'])})
    fl = read_st(os.path.join(fx, 'flux_tiny', 'io.safetensors'))
    write_st(os.path.join(out, 'flux_tiny_run.safetensors'),
             {k: fl[k] for k in ('run_latents_packed_init', 'run_sigmas', 'run_step_velocity',
                                 'run_step_latents')},
             {'source': 'shared/fixtures/flux_tiny/io.safetensors'})


if __name__ == '__main__':
    main()
