#pragma once
// The image workflow most executor tests run: load -> scale -> invert -> save.
#include "tests/exec/exec_helpers.hpp"

namespace vkflow::test {

inline graph::Workflow image_pipeline(const std::filesystem::path& png, int width = 64, int height = 32) {
  graph::Workflow wf;
  add_node(wf, "load", "LoadImage", {{"image", lit(png.string())}});
  add_node(wf, "scale", "ImageScale", {{"image", from("load", "image")}, {"upscale_method", lit("bilinear")},
                                       {"width", lit(width)}, {"height", lit(height)}, {"crop", lit("disabled")}});
  add_node(wf, "invert", "ImageInvert", {{"image", from("scale", "image")}});
  add_node(wf, "save", "SaveImage", {{"images", from("invert", "image")}, {"filename_prefix", lit("t")}});
  return wf;
}

inline scheduler::Plan image_plan() { return plan_in_order({"load", "scale", "invert", "save"}); }

}  // namespace vkflow::test
