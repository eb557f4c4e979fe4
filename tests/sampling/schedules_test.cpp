// Sigma schedules against the k-diffusion fixtures (sd15_tiny), the real ComfyUI runs
// (comfyui_sd15 case.json sigmas) and the diffusers FLUX schnell run (flux_tiny).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "runtime/core/error.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/sampling/flow_schedule.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow::sampling;
using vkflow::formats::SafetensorsFile;

namespace {

SafetensorsFile sd15() {
  return SafetensorsFile::open(vkflow::test::data_dir() / "sampling/sd15_tiny_noise_sigmas.safetensors");
}

void expect_same_floats(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i], want[i]) << what << " [" << i << "] diff " << got[i] - want[i];
}

nlohmann::json comfy_case(const std::string& name) {
  std::ifstream f(vkflow::test::data_dir() / "comfyui_sd15" / (name + ".json"));
  return nlohmann::json::parse(f);
}

}  // namespace

// torch evaluates `x ** 0.5` over the 1000-element tensor with SLEEF's vector powf (<= 1 ulp);
// this code takes the correctly rounded sqrt, so 11 of the 1000 sigmas differ by one ulp.
TEST(Schedules, KdiffusionSigmaTableWithinOneUlp) {
  const auto got = DiscreteSchedule::kdiffusion().sigmas();
  const auto want = sd15().read_f32("kdiff_sigmas_1000");
  ASSERT_EQ(got.size(), want.size());
  int differing = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] == want[i]) continue;
    ++differing;
    EXPECT_TRUE(got[i] == std::nextafter(want[i], 0.0f) || got[i] == std::nextafter(want[i], 100.0f)) << i;
  }
  EXPECT_LE(differing, 11);
}

TEST(Schedules, KdiffusionNormalAndKarras) {
  auto f = sd15();
  const auto s = DiscreteSchedule::kdiffusion();
  const auto normal = kdiffusion_normal(s, 4);
  for (const char* run : {"euler_normal", "euler_ancestral_normal", "dpmpp_2m_normal"})
    expect_same_floats(normal, f.read_f32(std::string(run) + "_sigmas"), run);
  expect_same_floats(karras(4, s.sigma_min(), s.sigma_max()), f.read_f32("dpmpp_2m_karras_sigmas"), "karras");
}

TEST(Schedules, KdiffusionTimestepsFedToTheUnet) {
  auto f = sd15();
  const auto s = DiscreteSchedule::kdiffusion();
  for (const char* run : {"euler_normal", "dpmpp_2m_karras"}) {
    const auto sig = f.read_f32(std::string(run) + "_sigmas");
    const auto want = f.read_f32(std::string(run) + "_timesteps");
    std::vector<float> got;
    for (size_t i = 0; i + 1 < sig.size(); ++i) got.push_back(s.sigma_to_t(sig[i]));
    expect_same_floats(got, want, run);
  }
}

TEST(Schedules, ComfyUiSchedulesMatchTheRealRuns) {
  const auto s = DiscreteSchedule::comfy();
  EXPECT_EQ(s.sigma_min(), 0.029167158529162407f);
  EXPECT_EQ(s.sigma_max(), 14.614641189575195f);
  for (const char* name : {"euler_normal", "dpmpp_2m_karras", "euler_ancestral_normal", "heun_normal"}) {
    const auto c = comfy_case(name);
    const auto got = comfy_sigmas(s, c["scheduler"].get<std::string>(), c["steps"].get<int64_t>());
    expect_same_floats(got, c["sigmas"].get<std::vector<float>>(), name);
  }
}

TEST(Schedules, ComfySchedulersShapes) {
  const auto s = DiscreteSchedule::comfy();
  for (const auto& name : comfy_scheduler_names()) {
    const auto sig = comfy_sigmas(s, name, 10);
    EXPECT_GE(sig.size(), 10u) << name;
    EXPECT_EQ(sig.back(), 0.0f) << name;
    for (size_t i = 0; i + 1 < sig.size(); ++i) EXPECT_GT(sig[i], sig[i + 1]) << name << " " << i;
  }
  // simple: every 100th sigma from the top; ddim_uniform: every 100th from index 1, reversed.
  const auto simple = comfy_simple(s.sigmas(), 10);
  EXPECT_EQ(simple[0], s.sigmas()[999]);
  EXPECT_EQ(simple[9], s.sigmas()[99]);
  const auto ddim = comfy_ddim_uniform(s.sigmas(), 10);
  ASSERT_EQ(ddim.size(), 11u);
  EXPECT_EQ(ddim[0], s.sigmas()[901]);
  EXPECT_EQ(ddim[9], s.sigmas()[1]);
  // beta(0.6, 0.6) is symmetric: its middle step lands on t = 999/2 rounded.
  const auto beta = comfy_beta(s.sigmas(), 2);
  ASSERT_EQ(beta.size(), 3u);
  EXPECT_EQ(beta[0], s.sigmas()[999]);
  EXPECT_EQ(beta[1], s.sigmas()[500]);
  EXPECT_THROW(comfy_sigmas(s, "nonsense", 4), vkflow::Error);
  EXPECT_THROW(comfy_sigmas(s, "normal", 0), vkflow::Error);
}

TEST(Schedules, SigmaTimestepRoundTrip) {
  const auto s = DiscreteSchedule::kdiffusion();
  for (float t : {0.0f, 1.0f, 321.75f, 500.5f, 998.25f, 999.0f})
    EXPECT_NEAR(s.sigma_to_t(s.t_to_sigma(t)), t, 2e-3f) << t;
}

TEST(Schedules, FluxSchnellDiffusers) {
  auto f = SafetensorsFile::open(vkflow::test::data_dir() / "sampling/flux_tiny_noise_sigmas.safetensors");
  const auto sch = diffusers_flux_schedule(4);
  expect_same_floats(sch.sigmas, f.read_f32("run_sigmas"), "run_sigmas");
  expect_same_floats(sch.timesteps, f.read_f32("run_timesteps"), "run_timesteps");
}

TEST(Schedules, FluxComfySimple) {
  // ComfyUI's schnell (shift 1.0) with 4 steps: t = 1, .75, .5, .25 through e/(e + 1/t - 1).
  const auto table = comfy_flux_model_sigmas(1.0);
  ASSERT_EQ(table.size(), 10000u);
  const auto sig = comfy_simple(table, 4);
  ASSERT_EQ(sig.size(), 5u);
  EXPECT_EQ(sig[0], 1.0f);
  EXPECT_NEAR(sig[1], std::exp(1.0) / (std::exp(1.0) + 1.0 / 3.0), 1e-6);
  EXPECT_NEAR(sig[2], std::exp(1.0) / (std::exp(1.0) + 1.0), 1e-6);
  EXPECT_NEAR(sig[3], std::exp(1.0) / (std::exp(1.0) + 3.0), 1e-6);
  EXPECT_NEAR(flux_mu(4096), 1.15, 1e-12);
  EXPECT_NEAR(flux_mu(256), 0.5, 1e-12);
}
