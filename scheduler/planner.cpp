#include "scheduler/planner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "scheduler/byte_size.hpp"
#include "scheduler/placement_eval.hpp"

namespace vkflow::scheduler {

using detail::Choice;

namespace {

struct Candidate {
  Choice choice;
  double seconds = 0;   // compute only
  int kind_rank = 0;    // position among the node's variants of that device kind
};

bool pin_allows(graph::DevicePin pin, DeviceKind k) {
  return pin == graph::DevicePin::Auto || (pin == graph::DevicePin::Cpu) == (k == DeviceKind::Cpu);
}

// How far one footprint on one device is from fitting at step `i` on its own.
Shortage shortage_of(const models::Footprint& fp, int dev, const Machine& m, uint64_t host_other) {
  const auto& d = m.devices[dev];
  auto need = detail::need_of(fp, dev, m);
  Shortage s;
  s.device = d.name;
  s.option = fp.label.empty() ? "default" : fp.label;
  s.what = "memory";
  if (d.max_alloc && fp.largest_alloc > d.max_alloc) {
    s.what = "largest buffer";
    s.needed = fp.largest_alloc;
    s.usable = d.max_alloc;
    return s;
  }
  bool is_host = dev == m.host_index();
  s.weights = need.dev_weights;
  s.peak = need.dev_peak;
  s.other = is_host ? host_other : 0;
  s.needed = s.weights + s.peak + s.other;
  s.usable = d.usable;
  if (!is_host && s.needed <= s.usable) {
    // The device part fits; the host part (streamed weights, staging) does not.
    const auto& h = m.host();
    s.device = h.name;
    s.runs_on = d.name;
    s.weights = need.host_weights;
    s.peak = need.host_peak;
    s.other = host_other;
    s.needed = s.weights + s.peak + s.other;
    s.usable = h.usable;
  }
  return s;
}

bool fits_alone(const models::Footprint& fp, int dev, const Machine& m, uint64_t host_other) {
  auto need = detail::need_of(fp, dev, m);
  const auto& d = m.devices[dev];
  if (d.max_alloc && fp.largest_alloc > d.max_alloc) return false;
  bool is_host = dev == m.host_index();
  if (is_host) return need.dev_weights + need.dev_peak + host_other <= d.usable;
  return need.dev_weights + need.dev_peak <= d.usable &&
         need.host_weights + need.host_peak + host_other <= m.host().usable;
}

std::string round_up_gib(uint64_t b) {
  double g = std::ceil(static_cast<double>(b) / (1ull << 30) * 10) / 10;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fGiB", g);
  return buf;
}

[[noreturn]] void throw_infeasible(const PlanNode& node, const Machine& m, uint64_t host_other) {
  // The least-short footprint per device.
  std::map<int, Shortage> best;
  for (const auto& fp : node.variants)
    for (int d = 0; d < static_cast<int>(m.devices.size()); ++d) {
      if (m.devices[d].kind != fp.device || !pin_allows(node.pin, fp.device)) continue;
      Shortage s = shortage_of(fp, d, m, host_other);
      auto it = best.find(d);
      if (it == best.end() || s.short_by() < it->second.short_by()) best[d] = s;
    }
  std::vector<Shortage> ss;
  for (auto& [d, s] : best) ss.push_back(s);
  std::stable_sort(ss.begin(), ss.end(), [](auto& a, auto& b) { return a.short_by() < b.short_by(); });
  std::vector<std::string> rem;
  if (!ss.empty()) {
    const auto& s = ss.front();
    uint64_t weights_min = std::numeric_limits<uint64_t>::max();
    for (const auto& x : ss) weights_min = std::min(weights_min, x.weights);
    if (s.what == "largest buffer") {
      rem.push_back("a smaller tile or attention chunk (a single buffer of " + format_size(s.needed) +
                    " exceeds " + s.device + "'s largest allocation)");
    } else {
      bool weights_alone_too_big = true;
      for (const auto& x : ss) weights_alone_too_big &= x.weights + x.other > x.usable;
      if (weights_alone_too_big)
        rem.push_back("a smaller quantization of the model (its weights alone need " +
                      format_size(weights_min) + ")");
      if (s.peak >= s.short_by())
        rem.push_back("a lower resolution, shorter input or smaller batch (working memory " +
                      format_size(s.peak) + " at '" + s.option + "')");
      bool host = s.device == m.host().name;
      rem.push_back(std::string("more ") + (host ? "RAM: --ram " : "VRAM: --vram ") + round_up_gib(s.needed) +
                    " or more");
    }
  }
  std::string pin_note;
  if (node.pin != graph::DevicePin::Auto) {
    pin_note = std::string(" (pinned to ") + graph::to_string(node.pin) + " by " +
               (node.pin_source.empty() ? "the workflow" : node.pin_source) + ")";
    rem.push_back("remove the pin so another device can be used");
  }
  throw PlanInfeasible(node.id, node.type, std::move(ss), std::move(rem), pin_note);
}

struct Search {
  const PlanInput& in;
  const Machine& m;
  const detail::StepContext& ctx;
  const PlannerOptions& opt;
  std::vector<std::vector<Candidate>> cands;
  std::vector<double> min_rest;  // sum of the fastest compute times from step i on
  std::vector<Choice> cur, best;
  double best_seconds = std::numeric_limits<double>::infinity();
  size_t evaluations = 0;

  void dfs(size_t i, double so_far) {
    if (evaluations >= opt.max_evaluations) return;
    if (so_far + min_rest[i] >= best_seconds) return;
    if (i == cands.size()) {
      ++evaluations;
      auto ev = detail::evaluate(cur, ctx, m);
      if (ev.fits && ev.seconds < best_seconds) best_seconds = ev.seconds, best = cur;
      return;
    }
    for (const auto& c : cands[i]) {
      cur[i] = c.choice;
      dfs(i + 1, so_far + c.seconds);
    }
  }
};

std::string why_of(const PlanNode& node, const Candidate& chosen, const std::vector<Candidate>& all_fit,
                   const std::vector<models::Footprint>& variants, const Machine& m, uint64_t host_other) {
  std::string why;
  if (node.pin != graph::DevicePin::Auto)
    why = std::string("pinned to ") + graph::to_string(node.pin) + " (" +
          (node.pin_source.empty() ? "workflow" : node.pin_source) + ")";
  // The fastest option overall, fitting or not, tells why this one was taken instead.
  const models::Footprint* fastest = nullptr;
  int fastest_dev = -1;
  double fastest_s = std::numeric_limits<double>::infinity();
  for (const auto& fp : variants)
    for (int d = 0; d < static_cast<int>(m.devices.size()); ++d) {
      if (m.devices[d].kind != fp.device || !pin_allows(node.pin, fp.device)) continue;
      double s = detail::compute_seconds(fp, m.devices[d], m.host());
      if (s < fastest_s) fastest_s = s, fastest = &fp, fastest_dev = d;
    }
  auto add = [&](const std::string& s) { why += (why.empty() ? "" : "; ") + s; };
  if (fastest == chosen.choice.fp && fastest_dev == chosen.choice.device) {
    add("fastest option, fits");
  } else if (fastest && !fits_alone(*fastest, fastest_dev, m, host_other)) {
    Shortage s = shortage_of(*fastest, fastest_dev, m, host_other);
    if (s.what == "largest buffer")
      add("'" + s.option + "' on " + m.devices[fastest_dev].name + " needs a single " + format_size(s.needed) +
          " buffer > " + format_size(s.usable) + " allocation limit");
    else
      add("'" + s.option + "' on " + m.devices[fastest_dev].name + " would need " + format_size(s.needed) +
        " > " + format_size(s.usable) + " usable");
  } else {
    add("shorter overall with fewer model loads");
  }
  (void)all_fit;
  if (!chosen.choice.fp->note.empty()) add(chosen.choice.fp->note);
  return why;
}

}  // namespace

Plan place(const PlanInput& in, const Machine& m, const PlannerOptions& opt) {
  const size_t n = in.nodes.size();
  const int host = m.host_index();
  // Host bytes held by outputs waiting for consumers, per step.
  detail::StepContext ctx;
  ctx.host_outputs.assign(n, in.host_reserved);
  {
    std::map<std::string, size_t> pos;
    for (size_t i = 0; i < n; ++i) pos[in.nodes[i].id] = i;
    std::vector<size_t> last(n);
    for (size_t i = 0; i < n; ++i) last[i] = i;
    for (size_t i = 0; i < n; ++i)
      for (const auto& src : in.nodes[i].inputs_from)
        if (auto it = pos.find(src); it != pos.end()) last[it->second] = std::max(last[it->second], i);
    for (size_t p = 0; p < n; ++p)
      for (size_t i = p; i <= last[p]; ++i) ctx.host_outputs[i] += in.nodes[p].output_bytes;
  }

  Search s{in, m, ctx, opt, {}, {}, {}, {}};
  s.cands.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& node = in.nodes[i];
    if (node.variants.empty()) throw Error("node " + node.id + " (" + node.type + ") has no estimate");
    std::map<DeviceKind, int> rank;
    for (const auto& fp : node.variants) {
      int r = rank[fp.device]++;
      if (!pin_allows(node.pin, fp.device)) continue;
      for (int d = 0; d < static_cast<int>(m.devices.size()); ++d) {
        if (m.devices[d].kind != fp.device) continue;
        if (!fits_alone(fp, d, m, ctx.host_outputs[i])) continue;
        s.cands[i].push_back({{d, &fp}, detail::compute_seconds(fp, m.devices[d], m.host()), r});
      }
    }
    if (s.cands[i].empty()) throw_infeasible(node, m, ctx.host_outputs[i]);
    std::stable_sort(s.cands[i].begin(), s.cands[i].end(),
                     [](const Candidate& a, const Candidate& b) { return a.seconds < b.seconds; });
  }
  s.min_rest.assign(n + 1, 0);
  for (size_t i = n; i-- > 0;) s.min_rest[i] = s.min_rest[i + 1] + s.cands[i].front().seconds;
  s.cur.resize(n);
  s.dfs(0, 0);
  if (s.best.empty()) {
    // Every node fits alone, so only the outputs held in host RAM can be in the way.
    throw Error("plan infeasible: the outputs kept for later nodes exceed host RAM (" +
                format_size(m.host().usable) + " usable); raise --ram");
  }

  auto ev = detail::evaluate(s.best, ctx, m);
  Plan plan;
  plan.machine = m.name;
  plan.total_seconds = ev.seconds;
  plan.notes = ev.kept;
  for (size_t i = 0; i < n; ++i) {
    const auto& node = in.nodes[i];
    const auto& c = s.best[i];
    const auto& fp = *c.fp;
    const auto& d = m.devices[c.device];
    Placement p;
    p.node = node.id;
    p.type = node.type;
    p.device = d.kind;
    p.device_index = d.index;
    p.device_name = d.name;
    p.options = fp.options;
    p.label = fp.label;
    for (const auto& w : fp.weights) p.models.push_back(w.model);
    p.model_file = p.models.empty() ? "" : p.models.front();
    p.weight_bytes = fp.weight_bytes();
    p.peak_bytes = c.device == host ? fp.peak_bytes + fp.host_peak_bytes : fp.peak_bytes;
    p.allocator_peak_bytes = fp.peak_bytes;
    p.seconds = ev.step_seconds[i];
    p.loads = ev.loads[i];
    p.unloads = ev.unloads[i];
    for (const auto& r : p.loads) p.load.push_back(r.model);
    for (const auto& r : p.unloads) p.unload.push_back(r.model);
    const Candidate* chosen = nullptr;
    for (const auto& cand : s.cands[i])
      if (cand.choice.fp == c.fp && cand.choice.device == c.device) chosen = &cand;
    p.why = why_of(node, *chosen, s.cands[i], node.variants, m, ctx.host_outputs[i]);
    plan.steps.push_back(std::move(p));
  }
  // Say when a node has room only because an earlier model was just freed from its device.
  for (size_t i = 1; i < plan.steps.size(); ++i) {
    std::string freed;
    for (const auto& r : plan.steps[i - 1].unloads)
      if (r.device == plan.steps[i].device_name && std::find(plan.steps[i].models.begin(), plan.steps[i].models.end(),
                                                             r.model) == plan.steps[i].models.end())
        freed += (freed.empty() ? "" : ", ") + r.model.substr(r.model.find_last_of('/') + 1) + " (" +
                 format_size(r.bytes) + ")";
    if (!freed.empty()) plan.steps[i].why += "; " + freed + " freed before it";
  }
  for (size_t d = 0; d < m.devices.size(); ++d)
    plan.timeline.push_back({m.devices[d].name, m.devices[d].usable, ev.resident[d], ev.peak[d]});
  return plan;
}

}  // namespace vkflow::scheduler
