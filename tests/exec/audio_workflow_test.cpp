#include <gtest/gtest.h>

#include <cmath>

#include "runtime/media/audio_io.hpp"
#include "tests/common/paths.hpp"
#include "tests/exec/exec_helpers.hpp"

using namespace vkflow;
using namespace vkflow::test;

TEST(AudioWorkflow, MonoResampleNormalizeSave) {
  auto out = scratch_dir("audio_wf");
  auto dir = scratch_dir("audio_wf_in");
  // A stereo input (speech on the left, silence on the right) exercises the mix-down.
  media::Audio speech = media::read_audio(data_dir() / "media" / "speech_6s.wav");
  media::Audio stereo = speech;
  stereo.channels.push_back(std::vector<float>(speech.frames(), 0.0f));
  media::write_audio(dir / "stereo.wav", stereo, media::AudioFormat::Wav);

  graph::Workflow wf;
  add_node(wf, "in", "LoadAudio", {{"audio", lit((dir / "stereo.wav").string())}});
  add_node(wf, "mono", "AudioToMono", {{"audio", from("in", "audio")}});
  add_node(wf, "rs", "AudioResample", {{"audio", from("mono", "audio")}, {"sample_rate", lit(22050)}});
  add_node(wf, "norm", "AudioNormalize", {{"audio", from("rs", "audio")}, {"peak_db", lit(-3.0)}});
  add_node(wf, "gain", "AudioGain", {{"audio", from("norm", "audio")}, {"gain_db", lit(-6.0)}});
  add_node(wf, "save", "SaveAudio", {{"audio", from("gain", "audio")}, {"filename_prefix", lit("speech/out")}});
  auto opts = exec_options(out, &wf);
  auto report = scheduler::execute(wf, plan_in_order({"in", "mono", "rs", "norm", "gain", "save"}), opts);
  ASSERT_EQ(report.outputs.size(), 1u);
  EXPECT_EQ(report.outputs[0], out / "speech" / "out_00001_.flac");  // SaveAudio defaults to FLAC

  media::Audio got = media::read_audio(report.outputs[0]);
  EXPECT_EQ(got.sample_rate, 22050);
  EXPECT_EQ(got.num_channels(), 1);
  EXPECT_EQ(got.frames(), std::llround(speech.frames() * 22050.0 / 16000.0));
  // -3 dB peak then -6 dB gain: -9 dBFS, up to 16-bit quantisation.
  EXPECT_NEAR(media::peak(got), std::pow(10.0, -9.0 / 20), 2.0 / 32768);
}
