#include "scheduler/events.hpp"

#include <mutex>

namespace vkflow::scheduler {

EventObserver json_lines_writer(std::shared_ptr<std::ostream> out) {
  auto mu = std::make_shared<std::mutex>();
  return [out, mu](const nlohmann::json& e) {
    std::lock_guard lock(*mu);
    *out << e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out->flush();
  };
}

}  // namespace vkflow::scheduler
