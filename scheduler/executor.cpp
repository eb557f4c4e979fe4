#include "scheduler/executor.hpp"

#include <chrono>
#include <map>
#include <optional>

#include "nodes/node.hpp"
#include "scheduler/input_values.hpp"

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
  auto emit = [&](json e) {
    e["t"] = since(t0);
    opts.events.emit(e);
  };
  auto cancelled = [&] { return opts.cancel && opts.cancel->cancelled(); };
  if (!opts.device_for) throw Error("executor: no device provider");

  std::vector<Step> steps = bind_plan(wf, plan);
  const int n = static_cast<int>(steps.size());

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

  RunReport report;
  std::map<std::string, nodes::Values> values;
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
      emit({{"event", "skipped"}, {"node", id}, {"type", type}, {"reason", "its outputs feed only cached nodes"}});
      report.nodes.push_back({id, type, NodeStatus::Skipped, 0});
      continue;
    }
    if (hit[i]) {
      values[id] = std::move(prefetched[i]);
      prefetched.erase(i);
      emit({{"event", "cached"}, {"node", id}, {"type", type}, {"key", keys[id]}});
      report.nodes.push_back({id, type, NodeStatus::Cached, 0});
    } else {
      const auto started = Clock::now();
      emit({{"event", "started"}, {"node", id}, {"type", type}, {"index", i + 1},
            {"device", s.placement->device == DeviceKind::Vulkan ? "vulkan" : "cpu"}});
      auto fail = [&](const std::string& what, bool bad_file) {
        emit({{"event", "failed"}, {"node", id}, {"type", type}, {"error", what}, {"seconds", since(started)}});
        return NodeFailed(id, type, what, bad_file);
      };
      nodes::Values out;
      try {
        nodes::Values in = resolve_inputs(s, values);
        Device& dev = opts.device_for(*s.placement);
        nodes::RunContext ctx{*s.doc, in, dev, s.placement->options, opts.env};
        ctx.progress = [&](int64_t step, int64_t total) {
          emit({{"event", "progress"}, {"node", id}, {"type", type}, {"step", step}, {"total", total}});
        };
        ctx.cancelled = cancelled;
        ctx.wrote_file = [&](const std::filesystem::path& p) {
          report.outputs.push_back(p);
          emit({{"event", "output"}, {"node", id}, {"type", type}, {"path", p.string()}});
        };
        out = s.def->run(ctx);
      } catch (const Cancelled&) {
        emit({{"event", "cancelled"}, {"node", id}, {"type", type}});
        throw;
      } catch (const FormatError& e) {
        throw fail(e.what(), true);
      } catch (const std::exception& e) {
        throw fail(e.what(), false);
      }
      if (cancelled()) {  // the node stopped early at a safe point
        emit({{"event", "cancelled"}, {"node", id}, {"type", type}});
        throw Cancelled();
      }
      for (const auto& o : s.def->schema.outputs)
        if (!out.count(o.name)) throw fail("produced no value for output '" + o.name + "'", false);
      double secs = since(started);
      emit({{"event", "finished"}, {"node", id}, {"type", type}, {"seconds", secs}});
      report.nodes.push_back({id, type, NodeStatus::Ran, secs});
      if (opts.cache && !s.def->schema.output_node) {
        try {
          opts.cache->put(keys[id], out);
        } catch (const Error& e) {  // a full or read-only cache folder must not fail the run
          emit({{"event", "warning"}, {"node", id}, {"message", std::string("cache: ") + e.what()}});
        }
      }
      if (!s.consumers.empty()) values[id] = std::move(out);
      for (int p : s.producers) {
        const std::string& pid = steps[p].doc->id;
        if (last_use[p] == i && values.erase(pid)) {
          report.freed.push_back({pid, id});
          emit({{"event", "freed"}, {"node", pid}, {"by", id}});
        }
      }
    }
    if (last_use[i] < 0 && values.erase(id)) report.freed.push_back({id, id});
  }
  report.seconds = since(t0);
  emit({{"event", "run_finished"}, {"seconds", report.seconds}, {"ran", report.count(NodeStatus::Ran)},
        {"cached", report.count(NodeStatus::Cached)}, {"skipped", report.count(NodeStatus::Skipped)}});
  return report;
}

}  // namespace vkflow::scheduler
