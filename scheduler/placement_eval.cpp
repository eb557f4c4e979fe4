#include "scheduler/placement_eval.hpp"

#include <algorithm>
#include <map>

namespace vkflow::scheduler::detail {

Need need_of(const models::Footprint& fp, int device, const Machine& m) {
  Need n;
  bool on_host_device = device == m.host_index();
  for (const auto& w : fp.weights) {
    if (w.on_host && !on_host_device) n.host_weights += w.bytes;
    else n.dev_weights += w.bytes;
  }
  n.dev_peak = fp.peak_bytes;
  if (on_host_device) n.dev_peak += fp.host_peak_bytes;
  else n.host_peak = fp.host_peak_bytes;
  return n;
}

double compute_seconds(const models::Footprint& fp, const DeviceBudget& d, const DeviceBudget& host) {
  double t = std::max(d.flops > 0 ? fp.flops / d.flops : 0.0,
                      d.bandwidth > 0 ? fp.bytes_moved / d.bandwidth : 0.0);
  if (d.kind != DeviceKind::Cpu && d.link_bandwidth > 0) t += fp.host_transfer / d.link_bandwidth;
  (void)host;
  return t;
}

double load_seconds(uint64_t bytes, const DeviceBudget& d, const DeviceBudget& host) {
  // Reading the file and uploading it overlap; the slower of the two sets the pace.
  double rate = host.disk_bandwidth > 0 ? host.disk_bandwidth : 2e9;
  if (d.kind != DeviceKind::Cpu && d.link_bandwidth > 0) rate = std::min(rate, d.link_bandwidth);
  return static_cast<double>(bytes) / rate;
}

namespace {
struct Segment {
  size_t first, last;
};
struct Resident {
  std::string model;
  int device;
  uint64_t bytes = 0;
  std::vector<size_t> steps;
  std::vector<Segment> segs;
};
}  // namespace

Evaluation evaluate(const std::vector<Choice>& choices, const StepContext& ctx, const Machine& m) {
  const size_t n = choices.size(), nd = m.devices.size();
  const int host = m.host_index();
  Evaluation ev;
  ev.resident.assign(nd, std::vector<uint64_t>(n, 0));
  ev.peak.assign(nd, std::vector<uint64_t>(n, 0));
  ev.loads.assign(n, {});
  ev.unloads.assign(n, {});
  ev.step_seconds.assign(n, 0);

  // Which (model, device) each step uses.
  std::map<std::pair<std::string, int>, Resident> res;
  for (size_t i = 0; i < n; ++i) {
    const auto& c = choices[i];
    for (const auto& w : c.fp->weights) {
      int dev = (w.on_host && c.device != host) ? host : c.device;
      auto& r = res[{w.model, dev}];
      r.model = w.model;
      r.device = dev;
      r.bytes = std::max(r.bytes, w.bytes);
      if (r.steps.empty() || r.steps.back() != i) r.steps.push_back(i);
    }
    Need nd_ = need_of(*c.fp, c.device, m);
    ev.peak[c.device][i] += nd_.dev_peak;
    ev.peak[host][i] += nd_.host_peak;
    ev.step_seconds[i] = compute_seconds(*c.fp, m.devices[c.device], m.host());
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t out = i < ctx.host_outputs.size() ? ctx.host_outputs[i] : 0;
    ev.resident[host][i] += out;
    ev.peak[host][i] += out;
  }
  // Minimal residency: each model only during the steps that use it (adjacent uses merge).
  for (auto& [key, r] : res) {
    for (size_t s : r.steps) {
      if (!r.segs.empty() && r.segs.back().last + 1 == s) r.segs.back().last = s;
      else r.segs.push_back({s, s});
      ev.resident[r.device][s] += r.bytes;
      ev.peak[r.device][s] += r.bytes;
    }
  }
  ev.fits = true;
  for (size_t d = 0; d < nd; ++d)
    for (size_t i = 0; i < n; ++i)
      if (ev.peak[d][i] > m.devices[d].usable) ev.fits = false;

  // Keep models resident across gaps between uses when that fits; biggest reload saved first.
  struct Gap {
    Resident* r;
    size_t seg;  // gap after r->segs[seg]
    double saved;
  };
  std::vector<Gap> gaps;
  for (auto& [key, r] : res)
    for (size_t k = 0; k + 1 < r.segs.size(); ++k)
      gaps.push_back({&r, k, load_seconds(r.bytes, m.devices[r.device], m.host())});
  std::stable_sort(gaps.begin(), gaps.end(), [](const Gap& a, const Gap& b) { return a.saved > b.saved; });
  std::map<Resident*, std::vector<bool>> joined;  // joined[r][k]: gap after seg k is bridged
  for (auto& g : gaps) {
    auto& r = *g.r;
    size_t from = r.segs[g.seg].last + 1, to = r.segs[g.seg + 1].first;  // [from, to)
    bool ok = true;
    for (size_t j = from; j < to && ok; ++j)
      ok = ev.peak[r.device][j] + r.bytes <= m.devices[r.device].usable;
    if (!ok) continue;
    for (size_t j = from; j < to; ++j) {
      ev.resident[r.device][j] += r.bytes;
      ev.peak[r.device][j] += r.bytes;
    }
    auto& jv = joined[&r];
    jv.resize(r.segs.size(), false);
    jv[g.seg] = true;
    ev.kept.push_back(r.model + " stays on " + m.devices[r.device].name + " between steps " +
                      std::to_string(r.segs[g.seg].last + 1) + " and " + std::to_string(to + 1));
  }
  // Loads and unloads from the merged segments.
  for (auto& [key, r] : res) {
    auto jit = joined.find(&r);
    size_t start = r.segs.front().first;
    for (size_t k = 0; k < r.segs.size(); ++k) {
      bool bridged = jit != joined.end() && k < jit->second.size() && jit->second[k];
      if (bridged) continue;
      Residency rc{r.model, m.devices[r.device].name, r.bytes};
      ev.loads[start].push_back(rc);
      ev.unloads[r.segs[k].last].push_back(rc);
      ev.step_seconds[start] += load_seconds(r.bytes, m.devices[r.device], m.host());
      if (k + 1 < r.segs.size()) start = r.segs[k + 1].first;
    }
  }
  for (double s : ev.step_seconds) ev.seconds += s;
  return ev;
}

}  // namespace vkflow::scheduler::detail
