#include "scheduler/plan_report.hpp"

#include <algorithm>
#include <sstream>

#include "scheduler/byte_size.hpp"

namespace vkflow::scheduler {

namespace {
// Shows "models/flux1-schnell-q4_k.gguf#dit@q4_k" as "flux1-schnell-q4_k.gguf#dit".
std::string short_model(const std::string& id) {
  std::string s = id;
  if (auto slash = s.rfind('/', s.find('#')); slash != std::string::npos) s = s.substr(slash + 1);
  if (auto at = s.rfind('@'); at != std::string::npos) s = s.substr(0, at);
  return s;
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w;
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) {
      if (w.size() <= c) w.push_back(0);
      w[c] = std::max(w[c], r[c].size());
    }
  std::ostringstream o;
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      std::string cell = r[c];
      if (c + 1 < r.size()) cell.resize(w[c], ' ');
      line += (c ? "  " : "") + cell;
    }
    o << line << "\n";
  }
  return o.str();
}
}  // namespace

std::string budgets_text(const Machine& m) {
  std::ostringstream o;
  o << "machine: " << m.name << "\n";
  for (const auto& d : m.devices)
    o << "  " << d.name << "  " << d.description << ": " << format_size(d.usable) << " usable of "
      << format_size(d.total) << " (" << d.source << ")\n";
  return o.str();
}

std::string placement_table(const Plan& p) {
  std::vector<std::vector<std::string>> rows = {
      {"step", "node", "type", "model", "device", "weights", "peak", "options", "time", "why"}};
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const auto& s = p.steps[i];
    std::string models;
    for (const auto& m : s.models) models += (models.empty() ? "" : ", ") + short_model(m);
    rows.push_back({std::to_string(i + 1), s.node, s.type, models.empty() ? "-" : models, s.device_name,
                    s.weight_bytes ? format_size(s.weight_bytes) : "-", format_size(s.peak_bytes),
                    s.label.empty() ? "-" : s.label, format_seconds(s.seconds), s.why});
  }
  std::ostringstream o;
  o << table(rows);
  o << "estimated total: " << format_seconds(p.total_seconds) << "\n";
  for (const auto& n : p.notes) o << "note: " << n << "\n";
  return o.str();
}

std::string memory_timeline(const Plan& p) {
  std::ostringstream o;
  for (const auto& t : p.timeline) {
    uint64_t top = *std::max_element(t.peak.begin(), t.peak.end());
    o << t.device << " (" << format_size(t.usable) << " usable, highest " << format_size(top) << "):\n";
    std::vector<std::vector<std::string>> rows = {{"  step", "node", "resident", "peak", "", "events"}};
    for (size_t i = 0; i < p.steps.size(); ++i) {
      const auto& s = p.steps[i];
      int bar = t.usable ? static_cast<int>(std::min<uint64_t>(40, t.peak[i] * 40 / t.usable)) : 0;
      std::string events;
      for (const auto& r : s.loads)
        if (r.device == t.device) events += (events.empty() ? "" : " ") + ("+" + short_model(r.model));
      for (const auto& r : s.unloads)
        if (r.device == t.device) events += (events.empty() ? "" : " ") + ("-" + short_model(r.model));
      rows.push_back({"  " + std::to_string(i + 1), s.node, format_size(t.resident[i]), format_size(t.peak[i]),
                      "|" + std::string(bar, '#') + std::string(40 - bar, '.') + "|", events});
    }
    o << table(rows);
  }
  return o.str();
}

nlohmann::json plan_json(const Plan& p, const Machine& m) {
  using nlohmann::json;
  json j;
  j["machine"] = m.name;
  j["devices"] = json::array();
  for (const auto& d : m.devices)
    j["devices"].push_back({{"name", d.name}, {"description", d.description},
                            {"kind", d.kind == DeviceKind::Cpu ? "cpu" : "vulkan"},
                            {"total", d.total}, {"usable", d.usable}, {"max_alloc", d.max_alloc},
                            {"source", d.source}});
  j["steps"] = json::array();
  for (const auto& s : p.steps) {
    auto res = [](const std::vector<Residency>& v) {
      json a = json::array();
      for (const auto& r : v) a.push_back({{"model", r.model}, {"device", r.device}, {"bytes", r.bytes}});
      return a;
    };
    j["steps"].push_back({{"node", s.node}, {"type", s.type}, {"device", s.device_name},
                          {"options", s.options.is_null() ? json::object() : s.options}, {"label", s.label},
                          {"models", s.models}, {"weight_bytes", s.weight_bytes},
                          {"peak_bytes", s.peak_bytes}, {"seconds", s.seconds}, {"load", res(s.loads)},
                          {"unload", res(s.unloads)}, {"why", s.why}});
  }
  j["timeline"] = json::array();
  for (const auto& t : p.timeline)
    j["timeline"].push_back({{"device", t.device}, {"usable", t.usable}, {"resident", t.resident}, {"peak", t.peak}});
  j["total_seconds"] = p.total_seconds;
  j["notes"] = p.notes;
  return j;
}

}  // namespace vkflow::scheduler
