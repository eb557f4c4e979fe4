#include "nodes/embedded_workflow.hpp"

#include <cstring>
#include <fstream>

#include "runtime/core/error.hpp"
#include "runtime/media/png_io.hpp"

namespace vkflow::nodes {

bool is_png_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  char sig[8] = {0};
  return in.read(sig, 8) && std::memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0;
}

graph::LoadResult load_run_source(const std::filesystem::path& p, const graph::SchemaLookup& schemas,
                                  const graph::LoadOptions& opts) {
  if (!is_png_file(p)) return graph::load_workflow(p, schemas, opts);
  auto fail = [&](const std::string& msg) {
    graph::LoadResult r;
    r.workflow.source = p.string();
    r.errors.push_back({"no_embedded_workflow", "", "", msg, {}});
    return r;
  };
  media::PngFile png;
  try {
    png = media::read_png(p);
  } catch (const Error& e) {
    return fail(e.what());
  }
  std::string prompt = media::find_text(png.text, "prompt");
  if (!prompt.empty()) return graph::load_workflow_text(prompt, p.string(), schemas, opts);
  // ComfyUI's own "workflow" chunk is its editor format; graph reports that precisely.
  std::string workflow = media::find_text(png.text, "workflow");
  if (!workflow.empty()) return graph::load_workflow_text(workflow, p.string(), schemas, opts);
  return fail("this PNG has no embedded workflow (no \"prompt\" or \"workflow\" text chunk)");
}

}  // namespace vkflow::nodes
