#include "scheduler/executor.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "nodes/node.hpp"
#include "scheduler/input_values.hpp"
#include "scheduler/replan.hpp"
#include "scheduler/run_devices.hpp"

namespace vkflow::scheduler {
namespace {

using nlohmann::json;

struct Step {
  const graph::NodeDoc* doc;
  const nodes::NodeDef* def;
  const Placement* placement;
  std::vector<int> producers;  // steps this one links to
  std::vector<int> consumers;  // steps linking to this one
};

// Matches the plan against the workflow: every step names a known node of a known type,
// once, after everything it links to.
std::vector<Step> bind_plan(const graph::Workflow& wf, const Plan& plan) {
  auto& reg = nodes::Registry::instance();
  std::vector<Step> steps;
  std::map<std::string, int> index;
  for (const auto& p : plan.steps) {
    auto it = wf.nodes.find(p.node);
    if (it == wf.nodes.end()) throw Error("plan names node '" + p.node + "', which the workflow does not have");
    if (index.count(p.node)) throw Error("plan runs node '" + p.node + "' twice");
    const nodes::NodeDef* def = reg.find(it->second.type);
    if (!def) throw Error("node '" + p.node + "': unknown node type '" + it->second.type + "'");
    index[p.node] = static_cast<int>(steps.size());
    steps.push_back({&it->second, def, &p, {}, {}});
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const auto& [name, in] : steps[i].doc->inputs) {
      const auto* link = std::get_if<graph::Link>(&in);
      if (!link) continue;
      auto p = index.find(link->node);
      if (p == index.end() || p->second >= static_cast<int>(i))
        throw Error("plan runs node '" + steps[i].doc->id + "' before node '" + link->node + "', which input '" + name + "' needs");
      steps[i].producers.push_back(p->second);
      steps[p->second].consumers.push_back(static_cast<int>(i));
    }
  }
  return steps;
}

nodes::Values resolve_inputs(const Step& s, const std::map<std::string, nodes::Values>& values) {
  nodes::Values in;
  for (const auto& spec : s.def->schema.inputs) {
    auto it = s.doc->inputs.find(spec.name);
    if (it == s.doc->inputs.end()) {
      if (!spec.default_value.is_null()) in[spec.name] = literal_value(spec.default_value, spec);
      continue;
    }
    if (const auto* link = std::get_if<graph::Link>(&it->second)) {
      const auto& up = values.at(link->node);
      auto v = up.find(link->output);
      if (v == up.end())
        throw Error("input '" + spec.name + "': node '" + link->node + "' produced no output '" + link->output + "'");
      in[spec.name] = v->second;
    } else {
      in[spec.name] = literal_value(std::get<json>(it->second), spec);
    }
  }
  return in;
}

// Per device the run touched: bytes in use before the run and the high-water since.
struct DeviceWatch {
  Device* dev = nullptr;
  uint64_t baseline = 0, peak = 0;
  void fold() { peak = std::max(peak, dev->memory().peak); }
};

uint64_t estimated_peak_on(const Plan& p, const std::string& device) {
  uint64_t m = 0;
  for (const auto& t : p.timeline)
    if (t.device == device)
      for (uint64_t b : t.peak) m = std::max(m, b);
  return m;
}

uint64_t usable_on(const Plan& p, const std::string& device) {
  for (const auto& t : p.timeline)
    if (t.device == device) return t.usable;
  return 0;
}

}  // namespace

int RunReport::count(NodeStatus s) const {
  int n = 0;
  for (const auto& r : nodes) n += r.status == s;
  return n;
}

RunReport execute(const graph::Workflow& wf, const Plan& plan, ExecOptions& opts) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto since = [](Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); };
  std::mutex emit_mu;  // nodes may report progress from worker threads
  auto emit = [&](json e) {
    std::lock_guard lock(emit_mu);
    e["t"] = since(t0);
    opts.events.emit(e);
  };
  auto cancelled = [&] { return opts.cancel && opts.cancel->cancelled(); };
  if (!opts.device_for) throw Error("executor: no device provider");

  std::vector<Step> steps = bind_plan(wf, plan);
  const int n = static_cast<int>(steps.size());
  std::map<std::string, int> step_of;
  for (int i = 0; i < n; ++i) step_of[steps[i].doc->id] = i;

  // Keys for every node first: they depend on upstream keys only, not on values.
  std::map<std::string, CacheKey> keys;
  if (opts.cache)
    for (const auto& s : steps) keys[s.doc->id] = node_key(*s.doc, s.def->schema, keys, opts.env);

  // Backwards: a node is needed when it is an output node or feeds a needed node that must
  // run; needed non-output nodes found in the cache are taken from it and not run.
  std::vector<char> needed(n, 0), hit(n, 0);
  std::map<int, nodes::Values> prefetched;
  for (int i = n - 1; i >= 0; --i) {
    const Step& s = steps[i];
    bool feeds_run = false;
    for (int c : s.consumers) feeds_run |= needed[c] && !hit[c];
    needed[i] = s.def->schema.output_node || feeds_run;
    if (needed[i] && !s.def->schema.output_node && opts.cache) {
      if (auto v = opts.cache->get(keys[s.doc->id])) {
        hit[i] = 1;
        prefetched[i] = std::move(*v);
      }
    }
  }
  // Last step that reads each node's outputs; -1 = nobody (freed at once).
  std::vector<int> last_use(n, -1);
  for (int i = 0; i < n; ++i)
    if (needed[i] && !hit[i])
      for (int p : steps[i].producers) last_use[p] = std::max(last_use[p], i);
  // And of each output port: a handle's weights (a checkpoint's UNet, CLIP and VAE are three
  // outputs of one node) are freed after that output's last reader, as the plan assumes,
  // not after the last reader of any output of the node.
  std::map<std::pair<std::string, std::string>, int> last_port_use;
  for (int i = 0; i < n; ++i)
    if (needed[i] && !hit[i])
      for (const auto& [name, in] : steps[i].doc->inputs)
        if (const auto* link = std::get_if<graph::Link>(&in)) {
          int& last = last_port_use.try_emplace({link->node, link->output}, i).first->second;
          last = std::max(last, i);
        }

  // Model weights, devices watched for memory, and the plans in force: the caller's, then one
  // per re-plan (deques: placements the steps point at stay put).
  nodes::ModelPool own_pool;
  nodes::ModelPool& pool = opts.models ? *opts.models : own_pool;
  std::map<std::string, DeviceWatch> watch;  // by plan device name
  std::deque<Plan> replanned;
  std::deque<PlanInput> replanned_inputs;
  const Plan* cur_plan = &plan;
  const PlanInput* cur_input = opts.plan_input;
  int cur_offset = 0;  // step index of cur_plan->steps[0]

  auto device_of = [&](const Placement& p) -> std::pair<Device*, DeviceWatch*> {
    Device& d = opts.device_for(p);
    auto [it, fresh] = watch.try_emplace(plan_device_name(p));
    if (fresh) {
      it->second.dev = &d;
      it->second.baseline = d.memory().in_use;
      d.reset_peak();
    }
    return {&d, &it->second};
  };
  auto name_of = [&](const Device* d) {
    for (const auto& [name, w] : watch)
      if (w.dev == d) return name;
    return d->name();
  };
  // After step i: free what the plan unloads there, and any model no later step names (a
  // node may name its weights differently from its estimate; they must not outlive the run).
  auto settle_models = [&](int i) {
    const std::string& by = steps[i].doc->id;
    for (const auto& r : steps[i].placement->unloads)
      if (auto w = watch.find(r.device); w != watch.end() && pool.unload(r.model, *w->second.dev))
        emit({{"event", "unloaded"}, {"model", r.model}, {"device", r.device}, {"by", by}});
    std::set<std::string> later;
    for (int j = i + 1; j < n; ++j)
      if (needed[j] && !hit[j]) later.insert(steps[j].placement->models.begin(), steps[j].placement->models.end());
    for (const auto& e : pool.entries())
      if (!later.count(e.identity) && pool.unload(e.identity, *e.device))
        emit({{"event", "unloaded"}, {"model", e.identity}, {"device", name_of(e.device)}, {"by", by}});
  };

  RunReport report;
  std::map<std::string, nodes::Values> values;
  // A node's outputs leave the run after their last consumer: model handles among them free
  // their loaded weights then, even when the node cache keeps the handle itself.
  auto drop = [&](const std::string& id) {
    auto it = values.find(id);
    if (it == values.end()) return false;
    for (const auto& [name, v] : it->second)
      if (const auto* o = std::get_if<std::shared_ptr<const nodes::Object>>(&v); o && *o) (*o)->release_loaded();
    values.erase(it);
    return true;
  };
  emit({{"event", "run_started"}, {"nodes", n}});
  for (int i = 0; i < n; ++i) {
    const Step& s = steps[i];
    const std::string& id = s.doc->id;
    const std::string& type = s.def->schema.type;
    if (cancelled()) {
      emit({{"event", "cancelled"}});
      throw Cancelled();
    }
    if (!needed[i]) {
      const char* why = s.consumers.empty() ? "it feeds no output node" : "its outputs feed only cached nodes";
      emit({{"event", "skipped"}, {"node", id}, {"type", type}, {"reason", why}});
      report.nodes.push_back({id, type, NodeStatus::Skipped, 0, {}, {}});
      settle_models(i);
      continue;
    }
    if (hit[i]) {
      values[id] = std::move(prefetched[i]);
      prefetched.erase(i);
      emit({{"event", "cached"}, {"node", id}, {"type", type}, {"key", keys[id]}});
      report.nodes.push_back({id, type, NodeStatus::Cached, 0, {}, {}});
    } else {
      const auto started = Clock::now();
      auto fail = [&](const std::string& what, bool bad_file) {
        emit({{"event", "failed"}, {"node", id}, {"type", type}, {"error", what}, {"seconds", since(started)}});
        return NodeFailed(id, type, what, bad_file);
      };
      nodes::Values out;
      NodeMemory mem;
      nodes::TimingRecorder timing;  // a re-planned retry keeps counting: its time is the node's
      nodes::RecorderScope timing_scope(&timing);
      for (int attempt = 0;; ++attempt) {
        const Placement& pl = *steps[i].placement;
        const std::string dev_name = plan_device_name(pl);
        json ev = {{"event", "started"}, {"node", id}, {"type", type}, {"index", i + 1},
                   {"device", pl.device == DeviceKind::Vulkan ? "vulkan" : "cpu"}, {"device_name", dev_name}};
        if (attempt) ev["attempt"] = attempt + 1;
        emit(ev);
        try {
          nodes::Values in = resolve_inputs(s, values);
          auto [dev, w] = device_of(pl);
          w->fold();
          dev->reset_peak();
          const uint64_t start = dev->memory().in_use;
          nodes::RunContext ctx{*s.doc, in, *dev, pl.options, opts.env};
          ctx.progress = [&](int64_t step, int64_t total) {
            timing.mark_step();
            emit({{"event", "progress"}, {"node", id}, {"type", type}, {"step", step}, {"total", total}});
          };
          ctx.cancelled = cancelled;
          ctx.wrote_file = [&](const std::filesystem::path& p) {
            report.outputs.push_back(p);
            emit({{"event", "output"}, {"node", id}, {"type", type}, {"path", p.string()}});
          };
          ctx.models = &pool;
          out = s.def->run(ctx);
          const MemoryStats after = dev->memory();
          w->fold();
          // What stays allocated after the node is the weights it loaded (through the pool,
          // or owned by a model handle) and any device outputs; the rest of its high-water
          // is working memory.
          mem = NodeMemory{dev_name};
          mem.measured_weights = after.in_use > start ? after.in_use - start : 0;
          const uint64_t used = after.peak > start ? after.peak - start : 0;
          mem.measured_peak = used > mem.measured_weights ? used - mem.measured_weights : 0;
          mem.estimated_peak = pl.allocator_peak_bytes;
          for (const auto& r : pl.loads)
            if (r.device == dev_name) mem.estimated_weights += r.bytes;
          break;
        } catch (const Cancelled&) {
          emit({{"event", "cancelled"}, {"node", id}, {"type", type}});
          throw;
        } catch (const OutOfMemory& e) {
          // Free every model weight, keep finished outputs, re-plan from this node on.
          pool.clear();
          emit({{"event", "out_of_memory"}, {"node", id}, {"type", type}, {"device", dev_name},
                {"requested", e.requested}, {"in_use", e.in_use}});
          if (!cur_input || !opts.machine || attempt >= opts.max_replans) throw fail(e.what(), false);
          Replan r;
          try {
            r = replan_after_oom(*cur_input, *opts.machine, *cur_plan, static_cast<size_t>(i - cur_offset), e);
          } catch (const Error& pe) {
            throw fail(std::string(e.what()) + "; re-planning found no way to go on: " + pe.what(), false);
          }
          replanned.push_back(std::move(r.plan));
          replanned_inputs.push_back(std::move(r.input));
          cur_plan = &replanned.back();
          cur_input = &replanned_inputs.back();
          cur_offset = i;
          for (const auto& np : cur_plan->steps)
            if (auto it = step_of.find(np.node); it != step_of.end()) steps[it->second].placement = &np;
          report.replans.push_back(r.message);
          emit({{"event", "replanned"}, {"node", id}, {"type", type}, {"message", r.message},
                {"device_name", plan_device_name(*steps[i].placement)}, {"options", steps[i].placement->options}});
        } catch (const FormatError& e) {
          throw fail(e.what(), true);
        } catch (const std::exception& e) {
          throw fail(e.what(), false);
        }
      }
      if (cancelled()) {  // the node stopped early at a safe point
        emit({{"event", "cancelled"}, {"node", id}, {"type", type}});
        throw Cancelled();
      }
      for (const auto& o : s.def->schema.outputs)
        if (!out.count(o.name)) throw fail("produced no value for output '" + o.name + "'", false);
      double secs = since(started);
      nodes::NodeTiming times = timing.finish();
      emit({{"event", "finished"}, {"node", id}, {"type", type}, {"seconds", secs}, {"memory", mem.to_json()},
            {"timing", times.to_json()}});
      report.nodes.push_back({id, type, NodeStatus::Ran, secs, mem, std::move(times)});
      if (opts.cache && !s.def->schema.output_node) {
        try {
          opts.cache->put(keys[id], out);
        } catch (const Error& e) {  // a full or read-only cache folder must not fail the run
          emit({{"event", "warning"}, {"node", id}, {"message", std::string("cache: ") + e.what()}});
        }
      }
      if (!s.consumers.empty()) values[id] = std::move(out);
      for (const auto& [name, in] : s.doc->inputs)
        if (const auto* link = std::get_if<graph::Link>(&in))
          if (last_port_use[{link->node, link->output}] == i)
            if (auto v = values.find(link->node); v != values.end())
              if (auto port = v->second.find(link->output); port != v->second.end()) {
                if (const auto* o = std::get_if<std::shared_ptr<const nodes::Object>>(&port->second); o && *o)
                  (*o)->release_loaded();
                v->second.erase(port);
              }
      for (int p : s.producers) {
        const std::string& pid = steps[p].doc->id;
        if (last_use[p] == i && drop(pid)) {
          report.freed.push_back({pid, id});
          emit({{"event", "freed"}, {"node", pid}, {"by", id}});
        }
      }
    }
    settle_models(i);
    if (last_use[i] < 0 && drop(id)) report.freed.push_back({id, id});
  }
  report.seconds = since(t0);
  json devices = json::array();
  for (auto& [name, w] : watch) {
    w.fold();
    DeviceMemory d{name, w.dev->name(), w.peak > w.baseline ? w.peak - w.baseline : 0,
                   estimated_peak_on(plan, name), usable_on(plan, name)};
    for (const auto& p : replanned) d.estimated_peak = std::max(d.estimated_peak, estimated_peak_on(p, name));
    devices.push_back(d.to_json());
    report.devices.push_back(std::move(d));
  }
  emit({{"event", "run_finished"}, {"seconds", report.seconds}, {"ran", report.count(NodeStatus::Ran)},
        {"cached", report.count(NodeStatus::Cached)}, {"skipped", report.count(NodeStatus::Skipped)},
        {"devices", devices}, {"replans", report.replans.size()}});
  return report;
}

}  // namespace vkflow::scheduler
