#pragma once
// Standard base64 (RFC 4648, '=' padding) decoding for vocabulary files.
#include <string>
#include <string_view>

namespace vkflow::text {
// Throws vkflow::Error on characters outside the alphabet or a bad length.
std::string base64_decode(std::string_view in);
}  // namespace vkflow::text
