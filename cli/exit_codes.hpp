#pragma once
// vkflow's documented exit codes (README and `vkflow --help`).
namespace vkflow::cli {
enum ExitCode : int {
  kOk = 0,
  kRunFailed = 1,        // a node failed while running (model error, I/O error, ...)
  kUsage = 2,            // bad command line: unknown flag, missing argument, bad --set
  kInvalidWorkflow = 3,  // the workflow failed to parse or validate; nothing ran
  kPlanInfeasible = 4,   // no placement fits the memory budgets; nothing ran
  kBadInputFile = 5,     // a model, image or audio file is unreadable or malformed
  kCancelled = 130,      // Ctrl-C
};
}  // namespace vkflow::cli
