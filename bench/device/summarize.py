#!/usr/bin/env python3
"""Reads the logs bench/device/{sd15,whisper,flux}.sh wrote and prints Markdown tables of the figures
issues 6, 7 and 8 ask for. Standard library only.  summarize.py LOGS_DIR"""
import json, pathlib, re, sys

logs = pathlib.Path(sys.argv[1])


def text(name):
    p = logs / name
    return p.read_text(errors="replace") if p.exists() else None


def num(pattern, s, last=False, cast=float):
    m = re.findall(pattern, s) if s else []
    return cast(m[-1] if last else m[0]) if m else None


def fmt(v, nd=3):
    return "–" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))


def common(s):
    return num(r"peak_vram_mib: (-?\d+)", s, cast=int), num(r"wall_s: ([\d.]+)", s)


def sdcpp(name):
    s = text(name)
    if s is None:
        return None
    # sd.cpp's progress line ("\r|===| 3/20 - 5.47it/s"): one time per step, the first step's
    # includes building the Vulkan pipelines.
    # Only the sampler's bars: the tiled VAE decode prints bars of its own (tiles, not steps).
    # Its rate is a running average, so steps 2..N come from the sampling time instead.
    end = s.find("sampling completed")
    bars = re.findall(r"(\d+)/(\d+) - ([\d.]+)(it/s|s/it)", s[:end] if end >= 0 else s)
    first = None
    if bars:
        _, _, v, unit = bars[0]
        first = 1.0 / float(v) if unit == "it/s" else float(v)
    n = int(bars[-1][1]) if bars else 0
    sampling = num(r"sampling completed, taking ([\d.]+)s", s)
    vram, wall = common(s)
    per_step = (sampling - first) / (n - 1) if sampling is not None and first is not None and n > 1 else first
    return {
        "load_s": num(r"loading tensors completed, taking ([\d.]+)s", s),
        "text_s": num(r"get_learned_condition completed, taking ([\d.]+)s", s),
        "first_step_s": first,
        "s_per_step": per_step,
        "sampling_s": sampling,
        "vae_s": num(r"decode_first_stage completed, taking ([\d.]+)s", s),
        "total_s": num(r"generate_image completed in ([\d.]+)s", s),
        "vram_mib": vram, "wall_s": wall, "rc": num(r"rc: (\d+)", s, last=True, cast=int),
    }


def vkflow_sd(name):
    j = logs / f"{name}.json"
    s = text(f"{name}.log")
    if not j.exists():
        return None if s is None else {"rc": num(r"rc: (\d+)", s, last=True, cast=int)}
    r = json.loads(j.read_text())
    last = r["runs"][-1]
    vram, wall = common(s)
    return {
        "load_s": r["load_s"], "text_s": last["text_encode_s"], "first_step_s": r["runs"][0]["first_step_s"],
        "s_per_step": last.get("s_per_step", last["first_step_s"]), "sampling_s": last["sample_s"],
        "vae_s": last["vae_decode_s"], "total_s": None, "vram_mib": vram, "wall_s": wall,
        "peak_dev_gib": r["peak_device_bytes"] / 2**30, "rc": num(r"rc: (\d+)", s, last=True, cast=int),
    }


def sd_table():
    rows = [("sd.cpp Vulkan, run 1 (cold)", sdcpp("sd15_sdcpp_vk_run1.log")),
            ("sd.cpp Vulkan, run 2", sdcpp("sd15_sdcpp_vk_run2.log")),
            ("vkflow Vulkan fp32 (2nd run in process)", vkflow_sd("sd15_vkflow_vk_fp32")),
            ("vkflow Vulkan fast (2nd run in process)", vkflow_sd("sd15_vkflow_vk_fast")),
            ("sd.cpp CPU 256x256", sdcpp("sd15_sdcpp_cpu.log")),
            ("vkflow CPU 256x256", vkflow_sd("sd15_vkflow_cpu"))]
    rows = [(n, r) for n, r in rows if r]
    if not rows:
        return
    print("### SD1.5 txt2img (512x512 GPU / 256x256 CPU, 20 steps euler, cfg 7)\n")
    print("| run | load s | text s | step 1 s | s/step (2..N) | it/s | sampling s | VAE decode s | total s | peak VRAM MiB (nvidia-smi) | vkflow peak GiB | wall s | rc |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in rows:
        sps = r.get("s_per_step")
        print(f"| {n} | {fmt(r.get('load_s'), 2)} | {fmt(r.get('text_s'), 3)} | {fmt(r.get('first_step_s'), 3)} | "
              f"{fmt(sps, 4)} | {fmt(1 / sps if sps else None, 2)} | {fmt(r.get('sampling_s'), 2)} | "
              f"{fmt(r.get('vae_s'), 3)} | {fmt(r.get('total_s'), 2)} | {fmt(r.get('vram_mib'))} | "
              f"{fmt(r.get('peak_dev_gib'), 2)} | {fmt(r.get('wall_s'), 1)} | {fmt(r.get('rc'))} |")
    print()


def wcpp(name):
    s = text(name)
    if s is None:
        return None
    def per_run(what):  # "encode time =  98.12 ms /     1 runs (   98.12 ms per run)"
        return num(rf"{what} time =\s*[\d.]+ ms /\s*\d+ runs \(\s*([\d.]+) ms per run\)", s)
    vram, wall = common(s)
    return {"load_ms": num(r"load time =\s*([\d.]+) ms", s), "encode_ms": per_run("encode"),
            "decode_ms": per_run("decode"), "batchd_ms": per_run("batchd"), "prompt_ms": per_run("prompt"),
            "total_ms": num(r"total time =\s*([\d.]+) ms", s), "vram_mib": vram, "wall_s": wall,
            "rc": num(r"rc: (\d+)", s, last=True, cast=int)}


def whisper_table():
    names = ["whisper_wcpp_vk_bench1", "whisper_wcpp_vk_bench2", "whisper_wcpp_vk_cli_greedy",
             "whisper_wcpp_vk_cli_beam5", "whisper_wcpp_cpu_bench", "whisper_wcpp_cpu_cli_greedy"]
    rows = [(n, wcpp(n + ".log")) for n in names]
    rows = [(n, r) for n, r in rows if r]
    if rows:
        print("### whisper.cpp (GPU: large-v3-turbo, CPU: base; random weights)\n")
        print("| run | load ms | encode ms/run | decode ms/token | batchd ms/run | prompt ms/run | total ms | peak VRAM MiB | wall s | rc |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n, r in rows:
            print(f"| {n} | {fmt(r['load_ms'], 1)} | {fmt(r['encode_ms'], 2)} | {fmt(r['decode_ms'], 3)} | "
                  f"{fmt(r['batchd_ms'], 3)} | {fmt(r['prompt_ms'], 2)} | {fmt(r['total_ms'], 1)} | "
                  f"{fmt(r['vram_mib'])} | {fmt(r['wall_s'], 1)} | {fmt(r['rc'])} |")
        print()
    for n in ["whisper_vkflow_vk_fp32", "whisper_vkflow_vk_fast", "whisper_vkflow_cpu"]:
        j, s = logs / f"{n}.json", text(f"{n}.log")
        if s is None:
            continue
        vram, wall = common(s)
        rc = num(r"rc: (\d+)", s, last=True, cast=int)
        print(f"- {n}: peak VRAM {fmt(vram)} MiB, wall {fmt(wall, 1)} s, rc {fmt(rc)}")
        if j.exists():
            print("  " + json.dumps(json.loads(j.read_text()), separators=(",", ":"))[:2000])
    print()


def vkflow_run(name):
    """A `vkflow run` from its events (finished: per-node timing; run_finished: total, device peaks)."""
    s, ev = text(f"{name}.log"), logs / f"{name}.events.jsonl"
    if s is None:
        return None
    r = {"rc": num(r"rc: (\d+)", s, last=True, cast=int)}
    r["vram_mib"], r["wall_s"] = common(s)
    if not ev.exists():
        return r
    load = t5 = clip = text_s = sampling = vae = 0.0
    steps = []
    for line in ev.read_text().splitlines():
        e = json.loads(line)
        if e.get("event") == "finished" and "timing" in e:
            t, ty = e["timing"], e.get("type", "")
            load += t.get("load_seconds", 0)
            own = t["seconds"] - t.get("load_seconds", 0)
            t5 += t.get("phases", {}).get("t5", 0)
            clip += t.get("phases", {}).get("clip_l", 0)
            if ty.startswith("CLIPTextEncode"):
                text_s += own
            elif ty.startswith("KSampler"):
                sampling += own
                steps += t.get("step_seconds", [])
            elif ty.startswith("VAEDecode"):
                vae += own
        elif e.get("event") == "run_finished":
            r["total_s"] = e["seconds"]
            for d in e.get("devices", []):
                if d["device"].startswith("vulkan"):
                    r["peak_mib"], r["plan_mib"] = d["measured_peak"] >> 20, d["estimated_peak"] >> 20
                    r["budget_mib"] = d["usable"] >> 20
    r.update(load_s=load, t5_s=t5, clip_s=clip, text_s=text_s, sampling_s=sampling, vae_s=vae,
             first_step_s=steps[0] if steps else None,
             s_per_step=sum(steps[1:]) / len(steps[1:]) if len(steps) > 1 else (steps[0] if steps else None))
    return r


def flux_table():
    def order(n):  # by size, then vkflow before sd.cpp, then run number
        m = re.search(r"_(\d+)_run(\d+)$", n)
        return (int(m.group(1)) if m else 0, "sdcpp" in n, "stock" in n, int(m.group(2)) if m else 0)
    names = sorted({p.name.split(".")[0] for p in logs.glob("flux_*_run*.log")}, key=order)
    rows = []
    for n in names:
        size = re.search(r"_(\d+)_run", n)
        if n.startswith("flux_sdcpp"):
            r = sdcpp(n + ".log")
            if r:  # sd.cpp loads each component when it first runs: every "loading tensors" counts
                loads = re.findall(r"loading tensors completed, taking ([\d.]+)s", text(n + ".log"))
                r["load_s"] = sum(map(float, loads)) if loads else None
            rows.append((f"sd.cpp {size.group(1) if size else ''} ({n.split('_')[-1]}; T5+CLIP and VAE on the CPU)", r))
        else:
            stock = "_stock_" in n
            rows.append((f"vkflow {size.group(1) if size else ''} ({n.split('_')[-1]}{', stock workflow' if stock else ''})",
                         vkflow_run(n)))
    rows = [(n, r) for n, r in rows if r]
    if not rows:
        return
    print("### FLUX.1-schnell (4 steps euler, cfg 1; Q4_K GGUF, T5-XXL fp16, CLIP-L, AE; random weights)\n")
    print("| run | load s | T5 s | CLIP s | text encode s | step 1 s | s/step (2..N) | sampling s | VAE decode s | total s | "
          "vkflow peak / plan / budget MiB | nvidia-smi peak MiB | wall s | rc |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in rows:
        peak = (f"{r['peak_mib']} / {r['plan_mib']} / {r['budget_mib']}" if "peak_mib" in r else "–")
        print(f"| {n} | {fmt(r.get('load_s'), 2)} | {fmt(r.get('t5_s'), 2)} | {fmt(r.get('clip_s'), 3)} | "
              f"{fmt(r.get('text_s'), 2)} | {fmt(r.get('first_step_s'), 3)} | {fmt(r.get('s_per_step'), 3)} | "
              f"{fmt(r.get('sampling_s'), 2)} | {fmt(r.get('vae_s'), 2)} | {fmt(r.get('total_s'), 2)} | {peak} | "
              f"{fmt(r.get('vram_mib'))} | {fmt(r.get('wall_s'), 1)} | {fmt(r.get('rc'))} |")
    print()
    for p in sorted(logs.glob("flux_vkflow_*_plan.log")):
        s = p.read_text(errors="replace")
        est = num(r"estimated total: ([\d.]+ \w+)", s, cast=str)
        print(f"- {p.stem}: planner's estimated total {est or '–'} (plan table in the log)")
    print()


sd_table()
whisper_table()
flux_table()
