#pragma once
// Weight normalisation folding: w = g * v / ||v||, the norm taken over every dimension except
// the one g keeps (torch.nn.utils.weight_norm's `dim`: 0 for RVC's convs, 2 for HuBERT's
// positional conv). Used when a checkpoint stores weight_g/weight_v (or the newer
// parametrizations.weight.original0/original1) instead of the weight itself.
#include <string>
#include <vector>

#include "runtime/core/shape.hpp"

namespace vkflow::formats {

// g has v's rank with every size 1 except the kept dimension (or all 1: a single norm).
// Throws FormatError (naming `where`) when the shapes do not fit together.
std::vector<float> fold_weight_norm(const std::vector<float>& g, const Shape& g_shape, const std::vector<float>& v,
                                    const Shape& v_shape, const std::string& where);

}  // namespace vkflow::formats
