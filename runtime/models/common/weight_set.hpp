#pragma once
// The weights of one model component (a UNet, a VAE, a text encoder) resident on one device.
// Loaded from a ModelFile under a name prefix ("model.diffusion_model." in an SD checkpoint,
// "" in a standalone file); names are kept without the prefix. Each weight is kept at its
// stored dtype when the op that consumes it has a kernel for that dtype on the device
// (Device::supports), otherwise it is converted to f32 once, at load. The memory is freed
// when the WeightSet (and every Tensor copied out of it) goes away.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "runtime/core/device.hpp"
#include "runtime/core/error.hpp"
#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::models {

// The op a weight feeds, which decides the dtype it may stay at.
enum class WeightUse {
  F32,     // elementwise/normalisation parameters, biases, position tables: always f32
  Linear,  // op "linear" (also 1x1 convolutions the models run as linear)
  Conv2d,  // op "conv2d"
  Rows,    // op "get_rows" (embedding tables)
};
// name is the weight's name without the prefix.
using WeightUseFn = std::function<WeightUse(std::string_view name, const Shape& shape)>;
// Which weights of the component to load (name without the prefix); empty = all.
using WeightFilter = std::function<bool(std::string_view name)>;

// The dtype a weight stored as `stored` is kept at on `dev` for `use`.
DType resident_dtype(const Device& dev, WeightUse use, DType stored);

class WeightSet {
 public:
  WeightSet() = default;
  // Loads every weight of `m` whose canonical name starts with `prefix`. Throws FormatError
  // naming the file when there is none.
  static WeightSet load(const formats::ModelFile& m, Device& dev, const std::string& prefix, const WeightUseFn& use,
                        const WeightFilter& keep = {});
  // Bytes load() would place on `dev` (for the planner), without reading any weight.
  static uint64_t estimate_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix,
                                 const WeightUseFn& use, const WeightFilter& keep = {});

  // The weight, or FormatError naming the file and the full stored name.
  const Tensor& get(std::string_view name) const;
  const Tensor* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  // get() with the shape checked (FormatError on mismatch).
  const Tensor& get(std::string_view name, const Shape& expect) const;
  // Distinct N of the names "<head>N.<rest>" (block counts: "encoder.layers." -> 12).
  int count(std::string_view head) const;

  uint64_t bytes() const { return bytes_; }
  size_t size() const { return w_.size(); }
  Device& device() const { return *dev_; }
  const std::string& where() const { return where_; }  // file (and prefix) for messages
  const nlohmann::json& metadata() const { return metadata_; }
  // An error about this component's weights (file + prefix + name).
  FormatError error(std::string_view name, const std::string& what) const;

 private:
  std::map<std::string, Tensor, std::less<>> w_;
  Device* dev_ = nullptr;
  uint64_t bytes_ = 0;
  std::string where_, prefix_;
  nlohmann::json metadata_;
};

// A positive integer from file metadata (safetensors __metadata__ strings or JSON numbers),
// or `fallback` when the key is absent. FormatError when present but not a positive integer.
int64_t metadata_int(const nlohmann::json& meta, const std::string& key, int64_t fallback, const std::string& where);

}  // namespace vkflow::models
