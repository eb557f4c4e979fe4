// SaveTranscript: a TRANSCRIPT as txt / srt / vtt / json / lrc / csv files; and the TRANSCRIPT
// value's cache codec (its json rendering).
#include <sstream>

#include "nodes/inputs.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "nodes/value_codec.hpp"
#include "nodes/whisper_values.hpp"
#include "runtime/core/atomic_write.hpp"

namespace vkflow::nodes {

uint64_t TranscriptValue::host_bytes() const {
  uint64_t n = sizeof(*this);
  for (const auto& s : transcript.segments) n += s.text.size() + s.tokens.size() * (4 + sizeof(models::whisper::TokenInfo) + 8);
  return n;
}

namespace {

namespace T = graph::types;
namespace W = models::whisper;

const std::vector<std::string>& known_formats() {
  static const std::vector<std::string> f{"txt", "srt", "vtt", "json", "lrc", "csv"};
  return f;
}

std::string render(const std::string& format, const W::Transcript& t) {
  if (format == "txt") return W::render_txt(t.segments);
  if (format == "srt") return W::render_srt(t.segments);
  if (format == "vtt") return W::render_vtt(t.segments);
  if (format == "lrc") return W::render_lrc(t.segments);
  if (format == "csv") return W::render_csv(t.segments);
  return W::render_json(t);
}

// "txt,srt, vtt" -> {"txt", "srt", "vtt"}; "all" = every format.
std::vector<std::string> parse_formats(const std::string& spec) {
  std::vector<std::string> out;
  std::stringstream ss(spec);
  for (std::string f; std::getline(ss, f, ',');) {
    f.erase(0, f.find_first_not_of(" \t"));
    f.erase(f.find_last_not_of(" \t") + 1);
    if (f.empty()) continue;
    if (f == "all") return known_formats();
    if (std::find(known_formats().begin(), known_formats().end(), f) == known_formats().end())
      throw Error("input 'formats': unknown format '" + f + "' (txt, srt, vtt, json, lrc, csv or all)");
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  if (out.empty()) throw Error("input 'formats': no format given (e.g. txt,srt,vtt,json)");
  return out;
}

Values save_transcript(RunContext& ctx) {
  const auto& t = input_as<TranscriptValue>(ctx, "transcript", T::TRANSCRIPT).transcript;
  const std::vector<std::string> formats = parse_formats(input_string(ctx, "formats"));
  const std::string& prefix = input_string(ctx, "filename_prefix");
  // One number for all the files of this transcript, above every earlier transcript file of
  // any format (so a later run writing other formats does not reuse a number).
  std::filesystem::path stem;
  for (const auto& f : known_formats()) {
    auto p = next_output_path(ctx.env.out_dir, prefix, f).replace_extension();
    if (stem.empty() || p.filename().string() > stem.filename().string()) stem = p;  // same width: text order
  }
  std::vector<std::pair<std::filesystem::path, std::string>> files;  // all rendered before any is written
  for (const auto& f : formats) files.emplace_back(std::filesystem::path(stem.string() + "." + f), render(f, t));
  for (const auto& [path, text] : files) {
    atomic_write(path, text);
    ctx.wrote_file(path);
  }
  return {};
}

Estimate estimate_save_transcript(EstimateContext& ctx) {
  Estimate e;
  Footprint f;
  f.device = ctx.target;
  const auto& in = ctx.inputs["transcript"];
  // The renderings are host strings, not device allocations.
  f.host_peak_bytes = static_cast<uint64_t>((in.is_object() ? in.value("seconds", 30.0) : 30.0) * 2000);
  e.variants.push_back(f);
  return e;
}

const CodecRegistrar transcript_codec({std::string(graph::types::TRANSCRIPT),
    [](const Object& o, std::ostream& out) { write_string(out, W::render_json(static_cast<const TranscriptValue&>(o).transcript)); },
    [](std::istream& in) -> std::shared_ptr<const Object> {
      return std::make_shared<const TranscriptValue>(W::parse_transcript_json(read_string(in), "cached transcript"));
    }});

}  // namespace

VKFLOW_REGISTER_NODES(transcript_io) {
  NodeDef save;
  save.schema.type = "SaveTranscript";
  save.schema.category = "audio";
  save.schema.description =
      "Writes <out>/<prefix>_NNNNN_.<format> for each format: txt, srt, vtt, json (segments, token ids, "
      "probabilities, timestamps), lrc, csv.";
  save.schema.inputs = {
      port("transcript", T::TRANSCRIPT),
      string_param("filename_prefix", "transcripts/vkflow", "file name prefix; may include subfolders of the output folder"),
      string_param("formats", "txt,srt,vtt,json", "comma-separated: txt, srt, vtt, json, lrc, csv (or all)")};
  save.schema.output_node = true;
  save.run = save_transcript;
  save.estimate = estimate_save_transcript;
  reg.add(std::move(save));
}

}  // namespace vkflow::nodes
