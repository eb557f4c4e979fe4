// Hand-made hostile files: each must give a FormatError that names the file, never a crash.
#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/formats/gguf.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/torch_checkpoint.hpp"
#include "runtime/formats/whisper_bin.hpp"
#include "tests/common/paths.hpp"
#include "tests/formats/file_builders.hpp"

using namespace vkflow;
using namespace vkflow::formats;
using test::Bytes;

namespace {
// Writes `bytes` and expects open_tensor_source to throw a FormatError mentioning `needle`.
void expect_rejected(const std::string& name, const std::string& bytes, const std::string& needle) {
  auto p = test::scratch_dir("hostile") / name;
  test::write_file(p, bytes);
  try {
    open_tensor_source(p);
    ADD_FAILURE() << name << ": accepted";
  } catch (const FormatError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find(needle), std::string::npos) << name << ": " << m;
    EXPECT_NE(m.find(name), std::string::npos) << name << ": " << m;
  }
}

Bytes gguf_header(uint64_t n_tensors, uint64_t n_kv) {
  Bytes b;
  b.raw("GGUF").put<uint32_t>(3).put<uint64_t>(n_tensors).put<uint64_t>(n_kv);
  return b;
}
// One F32 tensor "t" of ne[0] = n at relative offset `off`, followed by `data` bytes.
std::string gguf_one(uint64_t n, uint64_t off, size_t data, uint32_t type = 0) {
  Bytes b = gguf_header(1, 0);
  b.gstr("t").put<uint32_t>(1).put<uint64_t>(n).put<uint32_t>(type).put<uint64_t>(off);
  while (b.b.size() % 32) b.b += '\0';
  b.b += std::string(data, '\0');
  return b.b;
}
}  // namespace

TEST(Hostile, Gguf) {
  EXPECT_NO_THROW(open_tensor_source([] {
    auto p = test::scratch_dir("hostile_ok") / "ok.gguf";
    test::write_file(p, gguf_one(4, 0, 16));
    return p;
  }()));
  expect_rejected("wrong_magic.gguf", "GGUX" + gguf_one(4, 0, 16).substr(4), "unrecognised");
  expect_rejected("v1.gguf", [] { auto s = gguf_one(4, 0, 16); s[4] = 1; return s; }(), "version 1");
  expect_rejected("truncated.gguf", gguf_one(4, 0, 16).substr(0, 30), "truncated");
  expect_rejected("offset_out.gguf", gguf_one(4, 32, 16), "outside the data section");
  expect_rejected("short_data.gguf", gguf_one(4, 0, 8), "outside the data section");
  expect_rejected("unaligned.gguf", gguf_one(4, 4, 16), "not aligned");
  expect_rejected("unknown_type.gguf", gguf_one(4, 0, 16, 99), "type 99 is not supported");
  expect_rejected("iq_type.gguf", gguf_one(256, 0, 4096, 16), "iq2_xxs is not supported");
  expect_rejected("bad_block.gguf", gguf_one(33, 0, 4096, 8), "multiple of the q8_0 block");
  expect_rejected("huge_dim.gguf", gguf_one(1ull << 62, 0, 16), "implausible");
  expect_rejected("many_tensors.gguf", gguf_header(1ull << 40, 0).b + std::string(64, '\0'), "tensor count");
  expect_rejected("huge_string.gguf", (gguf_header(0, 1).gstr("k").put<uint32_t>(8).put<uint64_t>(1ull << 40)).b, "implausible");
  expect_rejected("huge_array.gguf",
                  (gguf_header(0, 1).gstr("k").put<uint32_t>(9).put<uint32_t>(4).put<uint64_t>(1ull << 60)).b,
                  "does not fit");
  {  // arrays nested deeper than any real file
    Bytes b = gguf_header(0, 1);
    b.gstr("k").put<uint32_t>(9);  // value type: array
    for (int i = 0; i < 8; ++i) b.put<uint32_t>(9).put<uint64_t>(1);
    b.put<uint32_t>(9);
    expect_rejected("nested.gguf", b.b + std::string(64, '\0'), "nested too deeply");
  }
  {  // two tensors sharing bytes
    Bytes b = gguf_header(2, 0);
    b.gstr("a").put<uint32_t>(1).put<uint64_t>(8).put<uint32_t>(0).put<uint64_t>(0);
    b.gstr("b").put<uint32_t>(1).put<uint64_t>(8).put<uint32_t>(0).put<uint64_t>(0);
    while (b.b.size() % 32) b.b += '\0';
    expect_rejected("overlap.gguf", b.b + std::string(64, '\0'), "overlap");
  }
  {  // bad alignment value
    Bytes b = gguf_header(0, 1);
    b.gstr("general.alignment").put<uint32_t>(4).put<uint32_t>(3);
    expect_rejected("alignment.gguf", b.b, "power of two");
  }
}

TEST(Hostile, PickleThatCallsOsSystemIsRefused) {
  // cos\nsystem\n(S'echo pwned'\ntR. : what a malicious checkpoint does on torch.load.
  const std::string evil = "\x80\x02" + test::pk_global("os", "system") + "(" + test::pk_str("touch /tmp/vkflow_pwned") + "tR.";
  std::filesystem::remove("/tmp/vkflow_pwned");
  expect_rejected("evil_zip.pth", test::torch_zip(evil), "refusing global 'os.system'");
  expect_rejected("evil_legacy.pt", evil, "refusing global 'os.system'");
  const std::string eval = "\x80\x04" + test::pk_str("builtins") + test::pk_str("eval") + "\x93(" + test::pk_str("1") + "tR.";
  expect_rejected("evil_eval.pth", test::torch_zip(eval), "refusing global 'builtins.eval'");
  const std::string sub = "\x80\x02" + test::pk_global("subprocess", "Popen") + ")R.";
  expect_rejected("evil_subprocess.pth", test::torch_zip(sub), "subprocess.Popen");
  EXPECT_FALSE(std::filesystem::exists("/tmp/vkflow_pwned"));
}

TEST(Hostile, TorchZip) {
  auto ok = test::scratch_dir("hostile_ok") / "ok.pth";
  test::write_file(ok, test::torch_zip(test::tensor_pickle()));
  auto c = TorchCheckpoint::open(ok);
  EXPECT_EQ(c->at("w").shape, (Shape{2}));

  expect_rejected("storage_short.pth", test::torch_zip(test::tensor_pickle(4, 4)), "claims 4 elements");
  expect_rejected("view_outside.pth", test::torch_zip(test::tensor_pickle(2, 2, 1)), "outside its storage");
  expect_rejected("no_storage.pth", test::make_zip({{"archive/data.pkl", test::tensor_pickle()}}), "has no entry");
  expect_rejected("no_pkl.pth", test::make_zip({{"archive/x", "y"}}), "no data.pkl");
  // A stored entry claiming far more bytes than the file holds (zip-bomb-like).
  expect_rejected("bomb_stored.pth",
                  test::make_zip({{"archive/data.pkl", test::tensor_pickle()}, {"archive/data/0", std::string(8, '\0'), 0, 1ll << 31}}),
                  "runs past");
  // A deflate entry claiming a 4 GB expansion of a few bytes.
  expect_rejected("bomb_deflate.pth",
                  test::make_zip({{"archive/data.pkl", "xx", 8, 2}, {"archive/data/0", std::string(8, '\0')}}), "zip bomb");
  expect_rejected("deflated_pickle.pth", test::make_zip({{"archive/data.pkl", std::string(64, 'x'), 8}}), "compressed");
  expect_rejected("overlap.pth", test::make_zip({{"archive/a", "abcd"}, {"archive/b", "abcd"}}, true), "overlap");
  {
    auto z = test::torch_zip(test::tensor_pickle());
    expect_rejected("truncated.pth", z.substr(0, z.size() - 30), "");
  }
  // Malformed pickles.
  expect_rejected("pk_underflow.pth", test::torch_zip("\x80\x02t."), "no MARK");
  expect_rejected("pk_badop.pth", test::torch_zip("\x80\x02\xff."), "unknown opcode 0xff");
  expect_rejected("pk_memo.pth", test::torch_zip("\x80\x02h\x07."), "never stored");
  expect_rejected("pk_nostop.pth", test::torch_zip("\x80\x02N"), "truncated");
  expect_rejected("pk_inst.pth", test::torch_zip("\x80\x02(io\nx\n."), "INST/OBJ");
}

TEST(Hostile, WhisperBin) {
  Bytes b;
  b.put<uint32_t>(0x67676d6c);
  for (int v : {100, 1500, 8, 2, 1, 448, 8, 2, 1, 80, 1}) b.put<int32_t>(v);
  std::string head = b.b;
  expect_rejected("truncated.bin", head + std::string(6, '\0'), "truncated");
  {
    Bytes m;
    m.raw(head).put<int32_t>(40).put<int32_t>(201);
    expect_rejected("mel_mismatch.bin", m.b, "differs from hparam");
  }
  {
    Bytes bad;
    bad.put<uint32_t>(0x67676d6c);
    for (int v : {100, 1500, 8, 2, 1, 448, 8, 2, 1, -80, 1}) bad.put<int32_t>(v);
    expect_rejected("neg_mels.bin", bad.b, "n_mels");
  }
  {
    Bytes v;
    v.raw(head).put<int32_t>(80).put<int32_t>(2).raw(std::string(80 * 2 * 4, '\0')).put<int32_t>(1000);
    expect_rejected("vocab_count.bin", v.b, "n_vocab is 100");
  }
  {
    Bytes t;
    t.raw(head).put<int32_t>(80).put<int32_t>(2).raw(std::string(80 * 2 * 4, '\0')).put<int32_t>(0);
    t.put<int32_t>(1).put<int32_t>(1).put<int32_t>(0).put<int32_t>(1000000).raw("x").raw(std::string(16, '\0'));
    expect_rejected("tensor_past_end.bin", t.b, "truncated");
  }
}
