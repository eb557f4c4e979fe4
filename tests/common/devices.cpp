#include "tests/common/devices.hpp"

#include <cstdlib>
#include <sstream>
#include <string>

#include "runtime/cpu/cpu_device.hpp"

namespace vkflow::test {
namespace {

// Every device a backend offers, before filtering. Backends add themselves here.
std::vector<Device*> all_devices() {
  std::vector<Device*> d{&cpu::device()};
  return d;
}

bool selected(const Device& d) {
  const char* env = std::getenv("VKFLOW_TEST_DEVICES");
  if (!env || !*env) return true;
  std::stringstream ss(env);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty() && d.name().rfind(item, 0) == 0) return true;
  return false;
}

}  // namespace

std::vector<Device*> test_devices() {
  std::vector<Device*> out;
  for (Device* d : all_devices())
    if (selected(*d)) out.push_back(d);
  return out;
}

}  // namespace vkflow::test
