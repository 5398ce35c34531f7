// The deep half on tiny inputs: model shapes, parameter transfer (what the report says was copied
// is exactly what changed), BatchNorm statistics, the head rule, archives.
#include <gtest/gtest.h>

#include "ptlab/report/deep_table.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/transfer/deep/copy.hpp"
#include "ptlab/transfer/deep/pickle_dicts.hpp"
#include "ptlab/transfer/deep/torchvision.hpp"
#include "ptlab/experiment/deep/stage.hpp"
#include "support/image_files.hpp"
#include "support/png_files.hpp"
#include "support/temp_dir.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/data/images.hpp"
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sys/wait.h>

#include <algorithm>
#include <fstream>

using namespace ptlab;
namespace md = ptlab::model::deep;
namespace td = ptlab::transfer::deep;

namespace {

std::shared_ptr<md::Net> net(const std::string& arch, int classes = 5, int channels = 1, int size = 16) {
  torch::manual_seed(static_cast<std::uint64_t>(classes * 7 + channels));
  return md::make_model({arch, channels, classes, size});
}

// A source whose BatchNorm running statistics are not the defaults (so copying them shows).
std::shared_ptr<md::Net> trained_looking(const std::string& arch, int classes = 5) {
  auto n = net(arch, classes + 100);  // another seed
  auto m = md::make_model({arch, 1, classes, 16});
  torch::NoGradGuard g;
  for (auto& p : m->named_parameters()) p.value().normal_();
  for (auto& b : m->named_buffers())
    if (b.value().is_floating_point()) b.value().uniform_(0.5, 2.0);
  return m;
}

}  // namespace

TEST(DeepModels, EveryArchitectureMapsImagesToLogits) {
  for (const auto& arch : md::architectures()) {
    for (const int channels : {1, 3}) {
      auto m = net(arch, 7, channels, 16);
      m->eval();
      const auto y = m->forward(torch::randn({2, channels, 16, 16}));
      EXPECT_EQ(y.sizes().vec(), (std::vector<std::int64_t>{2, 7})) << arch;
      const auto blocks = m->blocks().names;
      EXPECT_EQ(blocks.back(), "head") << arch;
      // Every parameter belongs to a block.
      for (const auto& p : m->named_parameters()) {
        bool owned = false;
        for (const auto& b : blocks) owned = owned || p.key().rfind(b + ".", 0) == 0;
        EXPECT_TRUE(owned) << arch << ": " << p.key();
      }
    }
  }
  EXPECT_THROW(md::make_model({"alexnet", 1, 10, 28}), core::InputError);
  EXPECT_THROW(md::make_model({"vit", 1, 10, 30}), core::InputError);
}

TEST(DeepTransfer, ChannelRuleCopiesExactlyWhatItReports) {
  auto source = trained_looking("resnet8");
  auto target = net("resnet8");
  const td::State before = [&] {
    td::State s;
    for (const auto& [k, v] : td::state_of(*target)) s[k] = v.clone();
    return s;
  }();
  const auto src = td::state_of(*source);
  const auto report = td::transfer(src, *target, target->blocks(), {.rule = td::Rule::channel, .alpha = 0.5, .seed = 9});
  const auto after = td::state_of(*target);
  for (const auto& t : report.tensors) {
    const auto& a = after.at(t.name);
    const auto& b = before.at(t.name);
    const auto& s = src.at(t.name);
    // Every entry is either the source's (copied) or untouched, and the count matches the report.
    const auto equal_src = (a == s);
    const auto equal_old = (a == b);
    EXPECT_TRUE((equal_src | equal_old).all().item<bool>()) << t.name;
    const auto changed = (a != b).sum().item<std::int64_t>();
    EXPECT_LE(changed, t.copied) << t.name;
    if (t.name.rfind("head", 0) == 0) {
      EXPECT_EQ(t.copied, 0);
      EXPECT_EQ(t.note, "head: not copied");
    } else if (a.dim() > 0 && a.size(0) >= 2) {
      EXPECT_EQ(t.copied, (a.size(0) / 2) * (a.numel() / a.size(0))) << t.name;  // ⌊0.5·C⌋ channels
      EXPECT_EQ((a == s).sum().item<std::int64_t>() >= t.copied, true) << t.name;
    }
  }
  // A conv and its BatchNorm (same block, same C) move the same channels; running stats included.
  const auto conv = after.at("stage1.0.conv1.weight"), conv_src = src.at("stage1.0.conv1.weight");
  const auto mean = after.at("stage1.0.bn1.running_mean"), mean_src = src.at("stage1.0.bn1.running_mean");
  for (std::int64_t c = 0; c < conv.size(0); ++c) {
    const bool conv_copied = torch::equal(conv[c], conv_src[c]);
    const bool mean_copied = mean[c].item<float>() == mean_src[c].item<float>();
    EXPECT_EQ(conv_copied, mean_copied) << "channel " << c;
  }
  EXPECT_GT(report.copied(), 0);
  EXPECT_LT(report.copied(), report.total());
}

TEST(DeepTransfer, BlocksRuleAndHeadAndShapes) {
  auto source = trained_looking("resnet8", 10);  // 10 classes: the head's shape differs
  auto target = net("resnet8", 5);
  const auto src = td::state_of(*source);
  const auto report = td::transfer(src, *target, target->blocks(),
                                   {.rule = td::Rule::blocks, .blocks = 2, .copy_head = true});
  const auto after = td::state_of(*target);
  for (const auto& t : report.tensors) {
    const bool first_two = t.name.rfind("stem.", 0) == 0 || t.name.rfind("stage1.0.", 0) == 0;
    if (first_two) {
      EXPECT_TRUE(torch::equal(after.at(t.name), src.at(t.name))) << t.name;
      EXPECT_EQ(t.copied, t.total);
    } else {
      EXPECT_EQ(t.copied, 0) << t.name;
    }
  }
  EXPECT_EQ(report.mis_shaped, (std::vector<std::string>{"head.bias", "head.weight"}));
  EXPECT_THROW(td::transfer(src, *target, target->blocks(), {.rule = td::Rule::blocks, .blocks = 99}), core::InputError);
  EXPECT_THROW(td::transfer(src, *target, target->blocks(), {.alpha = 1.5}), core::InputError);
  EXPECT_NE(report.text().find("shape mismatch"), std::string::npos);
}

class DeepArchive : public ptlab::testing::TempDirTest {};

TEST_F(DeepArchive, SaveLoadRoundTripAndImportReport) {
  auto source = trained_looking("vgg11");
  td::save_state(*source, path("w.pt"));
  const auto loaded = td::load_state(path("w.pt"));
  const auto original = td::state_of(*source);
  ASSERT_EQ(loaded.size(), original.size());
  for (const auto& [k, v] : original) EXPECT_TRUE(torch::equal(loaded.at(k), v)) << k;
  // An archive with an extra key and a wrong shape: reported, never copied.
  auto extra = loaded;
  extra["not.a.layer"] = torch::zeros({3});
  extra["stage1.0.weight"] = torch::zeros({1, 1, 1, 1});
  auto target = net("vgg11");
  const auto report = td::transfer(extra, *target, target->blocks(), {.rule = td::Rule::all});
  EXPECT_EQ(report.unmatched_source, (std::vector<std::string>{"not.a.layer"}));
  EXPECT_EQ(report.mis_shaped, (std::vector<std::string>{"stage1.0.weight"}));
  std::ofstream(path("junk.pt")) << "junk";
  EXPECT_THROW(td::load_state(path("junk.pt")), core::InputError);
  EXPECT_THROW(td::load_state(path("missing.pt")), core::InputError);
  // An archive on which LibTorch 1.13's own reader corrupts the heap (a fuzz finding): one line;
  // the signal that ends the probe varies (SIGABRT or SIGSEGV).
  const std::string crashing =
      std::string(PTLAB_SOURCE_DIR) + "/tests/fuzz/corpus/weights/finding_build_opcode_on_short_stack.pt";
  try {
    td::load_state(crashing);
    ADD_FAILURE() << "the crashing archive was read";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a weights archive (LibTorch's reader crashed on it: "),
              std::string::npos) << e.what();
  }
}

TEST_F(DeepArchive, PythonTorchSaveAndLoadInterop) {
  if (std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "Debian's python3-torch is not installed (scripts/install-deps.sh --tests)";
  // Python → ptlab: a state_dict saved by torch.save.
  const std::string py = path("py.pt");
  ASSERT_EQ(std::system(("/usr/bin/python3 -c \"import torch; torch.save({'stem.0.weight': torch.arange(6.).reshape(2, 3), "
                         "'head.bias': torch.ones(5)}, '" + py + "')\"").c_str()), 0);
  const auto s = td::load_state(py);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.at("stem.0.weight").sum().item<float>(), 15.0f);
  // ptlab → Python: torch.load reads save_state's archive.
  auto m = net("resnet8");
  td::save_state(*m, path("ptlab.pt"));
  const float expected = td::state_of(*m).at("head.weight").sum().item<float>();
  const std::string check = "/usr/bin/python3 -c \"import torch, sys; d = torch.load('" + path("ptlab.pt") +
                            "'); sys.exit(0 if abs(d['head.weight'].sum().item() - (" + std::to_string(expected) +
                            ")) < 1e-4 and 'stage1.0.bn1.running_var' in d else 1)\"";
  EXPECT_EQ(std::system(check.c_str()), 0);
}

TEST_F(DeepArchive, ModelStateDictsAndCheckpointsFromPythonRead) {
  if (std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "Debian's python3-torch is not installed (scripts/install-deps.sh --tests)";
  // A real module's state_dict(): an OrderedDict with its _metadata (per-module versions), saved
  // as it is, as a plain dict (the reference), in a training checkpoint next to an optimizer's
  // state, alone in a one-entry dict, and next to a second state_dict.
  const std::string script = write("save.py", R"(import sys, torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Linear(4, 3))
sd = m.state_dict()
assert type(sd).__name__ == "OrderedDict" and hasattr(sd, "_metadata")
opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
m(torch.ones(1, 1, 6, 6)).sum().backward(); opt.step()
sd = m.state_dict()
d = sys.argv[1]
torch.save(sd, d + "/ordered.pt")
torch.save(dict(sd), d + "/plain.pt")
torch.save({"epoch": 3, "state_dict": sd, "optimizer": opt.state_dict(), "best": 0.5}, d + "/checkpoint.pt")
torch.save({"model": sd}, d + "/one.pt")
torch.save({"model": sd, "model_ema": sd}, d + "/two.pt")
torch.save({"state_dict": sd, "metrics": {"acc": torch.tensor(0.9)}}, d + "/metrics.pt")
torch.save({"module." + k: v for k, v in sd.items()}, d + "/wrapped.pt")
torch.save(sd, d + "/legacy.pt", _use_new_zipfile_serialization=False)
torch.save([sd["0.weight"]], d + "/list.pt")
torch.save({"epoch": 3, "lr": 0.1}, d + "/none.pt")
torch.save({"0.weight": sd["0.weight"], "epoch": 3}, d + "/mixed.pt")
torch.save({}, d + "/empty_dict.pt")
torch.save(dict(m.named_parameters()), d + "/parameters.pt")
torch.save(m, d + "/module.pt")
)");
  ASSERT_EQ(std::system(("/usr/bin/python3 " + script + " " + dir_.string()).c_str()), 0);
  const td::State plain = td::load_state(path("plain.pt"));
  ASSERT_EQ(plain.size(), 9u);  // conv weight, bias; BatchNorm weight, bias, 3 buffers; linear weight, bias
  EXPECT_EQ(plain.at("1.num_batches_tracked").item<std::int64_t>(), 1);
  for (const std::string name : {"ordered.pt", "checkpoint.pt", "one.pt"}) {
    const td::State read = td::load_state(path(name));
    ASSERT_EQ(read.size(), plain.size()) << name;
    for (const auto& [key, value] : plain) {
      ASSERT_TRUE(read.count(key)) << name << ": " << key;
      EXPECT_TRUE(torch::equal(read.at(key), value)) << name << ": " << key;
    }
  }
  // A metrics dict of scalar tensors is not a second state_dict.
  EXPECT_EQ(td::load_state(path("metrics.pt")).size(), plain.size());
  // nn.DataParallel's "module." prefix: removed, and said.
  const td::Archive wrapped = td::load_archive(path("wrapped.pt"));
  EXPECT_EQ(wrapped.state.size(), plain.size());
  EXPECT_TRUE(wrapped.state.count("1.running_var"));
  EXPECT_EQ(wrapped.note, "the \"module.\" prefix of nn.DataParallel removed from every name");
  EXPECT_EQ(td::load_archive(path("plain.pt")).note, "");
  // Refused in one line each, naming what is in the way.
  const auto refusal = [&](const std::string& name) {
    try {
      td::load_state(path(name));
    } catch (const core::InputError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      return what.substr(path(name).size() + 2);
    }
    return std::string("(read)");
  };
  const std::string expected_state = "expected a state_dict (name → tensor) or a checkpoint with exactly one";
  EXPECT_EQ(refusal("two.pt"), "entries model, model_ema each hold a state_dict; expected a checkpoint with exactly one "
                               "(save the one to import: torch.save(ckpt['model'], path))");
  EXPECT_EQ(refusal("none.pt"), "entry 'epoch' is an int, and no entry holds a state_dict; " + expected_state);
  EXPECT_EQ(refusal("mixed.pt"), "entry 'epoch' is an int, and no entry holds a state_dict; " + expected_state);
  EXPECT_EQ(refusal("empty_dict.pt"), "the dictionary is empty, and no entry holds a state_dict; " + expected_state);
  EXPECT_EQ(refusal("list.pt"), "holds a list; expected a name → tensor dictionary (a state_dict)");
  EXPECT_EQ(refusal("legacy.pt").rfind("torch.save's legacy format (_use_new_zipfile_serialization=False", 0), 0u);
  EXPECT_EQ(refusal("parameters.pt"), "not a weights archive (it holds nn.Parameter objects; save tensors: {name: "
                                      "p.detach() for name, p in ...}); expected a file from ptlab or "
                                      "torch.save(model.state_dict(), path)");
  EXPECT_EQ(refusal("module.pt").rfind("not a weights archive (it holds a Python object of type torch.nn.modules."
                                       "container.Sequential (a pickled module or class?)", 0), 0u) << refusal("module.pt");
  std::filesystem::create_directory(path("folder.pt"));
  EXPECT_EQ(refusal("folder.pt"), "is a directory; expected a weights archive (ptlab or torch.save)");
  std::ofstream(path("zero.pt")).flush();
  EXPECT_EQ(refusal("zero.pt"), "empty file; expected a file from ptlab or torch.save(model.state_dict(), path)");
}

// The pickle rewrite on bytes (pickle_dicts.hpp), opcode by opcode.
TEST(PickleDicts, OrderedDictsBecomeDictsAndTheirStateIsDropped) {
  using td::readable_by_libtorch;
  using namespace std::string_literals;  // the pickles hold NUL bytes
  const std::string od = "ccollections\nOrderedDict\n"s;
  const std::string tag = "ctorch.jit._pickle\nrestore_type_tag\n"s;
  const std::string arg = "}X\x11\0\0\0Dict[str, Tensor]\x86"s;
  // OrderedDict() BINPUT 0, MARK 'a' 1 SETITEMS, state {'v': 2} BUILD, STOP.
  const std::string in = "\x80\x02"s + od + "q\x00)R(X\x01\0\0\0aK\x01u}q\x01X\x01\0\0\0vK\x02sb."s;
  const auto out = readable_by_libtorch(in);
  ASSERT_TRUE(out.has_value());
  // The global renamed, its empty tuple replaced by restore_type_tag's arguments, the state and
  // BUILD gone (the SETITEM inside the state goes with it).
  EXPECT_EQ(*out, "\x80\x02"s + tag + "q\x00"s + arg + "R(X\x01\0\0\0aK\x01u."s);
  // A pickle LibTorch reads as it is: nothing to rewrite.
  EXPECT_FALSE(readable_by_libtorch("\x80\x02}q\x00(X\x01\0\0\0aK\x01u."s).has_value());
  // A one-entry dictionary: SETITEM becomes MARK … SETITEMS.
  EXPECT_EQ(readable_by_libtorch("\x80\x02}q\x00X\x01\0\0\0aK\x01s."s),
            std::optional<std::string>("\x80\x02}q\x00(X\x01\0\0\0aK\x01u."s));
  // A one-element list: APPEND becomes MARK … APPENDS.
  EXPECT_EQ(readable_by_libtorch("\x80\x02]q\x00K\x07" "a."s), std::optional<std::string>("\x80\x02]q\x00(K\x07" "e."s));
  // A later reference to a memo entry inside a dropped state: not followed.
  EXPECT_FALSE(readable_by_libtorch("\x80\x02"s + od + ")R}q\x05" "bh\x05\x86."s).has_value());
  // OrderedDict built from pairs (not what torch.save writes): not followed.
  EXPECT_FALSE(readable_by_libtorch("\x80\x02"s + od + "]\x85R."s).has_value());
  // Every truncation of the stream: not followed, never read past the end.
  for (std::size_t n = 0; n < in.size(); ++n) EXPECT_FALSE(readable_by_libtorch(in.substr(0, n)).has_value()) << n;
  // An opcode outside protocol 2 (FRAME, protocol 4): not followed.
  EXPECT_FALSE(readable_by_libtorch("\x80\x04\x95\x01\0\0\0\0\0\0\0N."s).has_value());
}

namespace {

// A two-class toy task: class 1 images have a bright 4 × 4 square in the top-left corner.
data::ImageSet toy(int n, std::uint64_t seed) {
  core::Rng rng(seed);
  data::ImageSet s;
  s.n = n;
  s.channels = 1;
  s.height = s.width = 12;
  s.classes = 2;
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng.below(2));
    s.labels.push_back(label);
    for (int y = 0; y < 12; ++y)
      for (int x = 0; x < 12; ++x) {
        const bool square = label == 1 && y < 4 && x < 4;
        s.pixels.push_back(static_cast<std::uint8_t>(square ? 230 : rng.below(80)));
      }
  }
  return s;
}

}  // namespace

TEST(DeepTrain, SmallResNetLearnsAToyTaskAndFrozenLayersStayPut) {
  torch::manual_seed(0);
  auto m = md::make_model({"resnet8", 1, 2, 12});
  // Freeze the stem (AnB): its parameters must not move.
  for (auto& p : m->named_parameters())
    if (p.key().rfind("stem.", 0) == 0) p.value().set_requires_grad(false);
  const auto stem_before = td::state_of(*m).at("stem.0.weight").clone();
  const auto records = ptlab::train::deep::train_model(*m, toy(256, 1), toy(128, 2),
                                                       {.lr = 0.05, .epochs = 4, .batch_size = 32, .seed = 3});
  ASSERT_EQ(records.size(), 4u);
  EXPECT_GT(records.back().test_accuracy, 0.95);
  EXPECT_LT(records.back().train_loss, records.front().train_loss);
  EXPECT_TRUE(torch::equal(td::state_of(*m).at("stem.0.weight"), stem_before));
  EXPECT_GT(records.back().images_per_s, 0.0);
}

TEST(DeepTrain, AdamWAugmentationNoiseAndBadOptions) {
  torch::manual_seed(1);
  auto m = md::make_model({"vit", 1, 2, 12});
  const auto r = ptlab::train::deep::train_model(
      *m, toy(128, 4), toy(64, 5),
      {.optimizer = ptlab::train::deep::Optimizer::adamw, .lr = 1e-3, .weight_decay = 0.01, .epochs = 2, .batch_size = 32, .augment = true,
       .input_noise = 0.1, .seed = 2});
  EXPECT_EQ(r.size(), 2u);
  EXPECT_TRUE(std::isfinite(r.back().train_loss));
  // An unknown optimizer name cannot reach the trainer: the option is an enum, and the config
  // reader rejects other names (deep_config_test).
  EXPECT_THROW(ptlab::train::deep::train_model(*m, toy(8, 1), toy(8, 2), {.epochs = 0}), core::InputError);
  // The same seed gives the same training (same shuffles, same initial weights).
  torch::manual_seed(7);
  auto a = md::make_model({"resnet8", 1, 2, 12});
  torch::manual_seed(7);
  auto b = md::make_model({"resnet8", 1, 2, 12});
  const auto ra = ptlab::train::deep::train_model(*a, toy(64, 1), toy(32, 2), {.epochs = 1, .batch_size = 16, .seed = 5});
  const auto rb = ptlab::train::deep::train_model(*b, toy(64, 1), toy(32, 2), {.epochs = 1, .batch_size = 16, .seed = 5});
  EXPECT_EQ(ra.back().train_loss, rb.back().train_loss);
}

using ptlab::testing::corners;
using ptlab::testing::write_idx;

TEST_F(DeepArchive, DeepExperimentOnUserIdxFiles) {
  write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), corners(400, 1));
  write_idx(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte"), corners(200, 2));
  auto spec = ptlab::experiment::parse_deep_config(
      "[data]\ndataset = \"idx\"\ndir = \"" + dir_.string() +
          "\"\n[upstream]\nclasses = [0, 1]\nper_class = 90\nepochs = 5\nbatch_size = 32\n"
          "[downstream]\nclasses = [2, 3]\nper_class = 10\nepochs = 2\nbatch_size = 8\n"
          "[transfer]\nalphas = [0.0, 1.0]\n[run]\nseeds = 1\nthreads = 1\n",
      "tiny.toml");
  std::vector<std::string> said;
  std::int64_t done = 0, total = -1;
  const auto r = ptlab::experiment::run_deep(
      spec, {.message = [&](const std::string& m) { said.push_back(m); },
             .batches = [&](std::int64_t d, std::int64_t t) { done = d, total = t; }});
  ASSERT_EQ(r.records.size(), 2u);
  // α = 0 copies nothing: the transfer run is the scratch run, to the bit, and is not trained
  // twice; the progress still ends at its total.
  EXPECT_EQ(r.records[0].transfer_accuracy, r.records[0].scratch_accuracy);
  EXPECT_EQ(std::count(said.begin(), said.end(), "seed 0: alpha = 0 inherits nothing: its transfer run is the scratch run (not trained twice)"), 1)
      << fmt::format("{}", fmt::join(said, "\n"));
  EXPECT_EQ(done, total);
  // α = 0's batches leave the total rather than count as done: 6 upstream batches × 5 epochs,
  // then 3 × 2 for the scratch run and for α = 1.
  EXPECT_EQ(total, 6 * 5 + 2 * 3 * 2);
  EXPECT_EQ(r.records[0].copied_fraction, 0.0);
  EXPECT_GT(r.records[1].copied_fraction, 0.9);  // α = 1: everything but the head
  EXPECT_GT(r.records[0].upstream_accuracy, 0.8);
  const std::string table = ptlab::report::deep_table(r, "tiny");
  EXPECT_NE(table.find("transfer acc"), std::string::npos);
  // Missing files: one line naming the directory.
  spec.dir = path("nowhere");
  EXPECT_THROW(ptlab::experiment::run_deep(spec), core::InputError);
  // A test split without the downstream classes is refused before training (it used to give NaN
  // accuracies stored as done).
  auto no_down = corners(200, 3);
  for (int& l : no_down.labels) l %= 2;  // classes 0 and 1 only
  std::filesystem::create_directories(path("no_down"));
  write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), corners(400, 1));
  for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"})
    std::filesystem::copy_file(path(f), path(std::string("no_down/") + f));
  write_idx(path("no_down/t10k-images-idx3-ubyte"), path("no_down/t10k-labels-idx1-ubyte"), no_down);
  spec.dir = path("no_down");
  try {
    ptlab::experiment::run_deep(spec);
    ADD_FAILURE() << "a test split without classes 2 and 3 was accepted";
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), path("no_down") + ": downstream class 2 has 0 test images; expected every class "
                                                         "of downstream.classes in both splits");
  }
}

// A deep seed's result is a function of (config, seed) alone: seed 2 run as the second of three
// seeds and run alone give the same numbers to the bit (same build, same thread count).
TEST_F(DeepArchive, ASeedGivesTheSameNumbersAloneAndInsideALargerRun) {
  write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), corners(400, 1));
  write_idx(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte"), corners(200, 2));
  const auto spec_with = [&](int seed, int seeds) {
    return ptlab::experiment::parse_deep_config(
        "[data]\ndataset = \"idx\"\ndir = \"" + dir_.string() +
            "\"\n[upstream]\nclasses = [0, 1]\nper_class = 40\nepochs = 2\nbatch_size = 16\n"
            "[downstream]\nclasses = [2, 3]\nper_class = 10\nepochs = 2\nbatch_size = 8\n"
            "[transfer]\nalphas = [0.5]\n[run]\nseed = " + std::to_string(seed) + "\nseeds = " + std::to_string(seeds) +
            "\nthreads = 2\n",
        "seeds.toml");
  };
  const auto three = ptlab::experiment::run_deep(spec_with(1, 3));
  const auto alone = ptlab::experiment::run_deep(spec_with(2, 1));
  ASSERT_EQ(three.records.size(), 3u);
  ASSERT_EQ(alone.records.size(), 1u);
  const auto& a = three.records[1];
  const auto& b = alone.records[0];
  ASSERT_EQ(a.seed, 2u);
  ASSERT_EQ(b.seed, 2u);
  EXPECT_EQ(a.upstream_accuracy, b.upstream_accuracy);
  EXPECT_EQ(a.transfer_accuracy, b.transfer_accuracy);
  EXPECT_EQ(a.scratch_accuracy, b.scratch_accuracy);
  EXPECT_EQ(a.copied_fraction, b.copied_fraction);
  ASSERT_EQ(a.transfer_curve.size(), b.transfer_curve.size());
  for (std::size_t e = 0; e < a.transfer_curve.size(); ++e) {
    EXPECT_EQ(a.transfer_curve[e].train_loss, b.transfer_curve[e].train_loss) << "epoch " << e;
    EXPECT_EQ(a.scratch_curve[e].train_loss, b.scratch_curve[e].train_loss) << "epoch " << e;
  }
  for (std::size_t e = 0; e < a.upstream_curve.size(); ++e)
    EXPECT_EQ(a.upstream_curve[e].train_loss, b.upstream_curve[e].train_loss) << "epoch " << e;
}

// The transfer report's inherited mask is exactly the entries that were copied.
TEST(DeepTransfer, InheritedMaskMarksExactlyTheCopiedEntries) {
  auto source = trained_looking("resnet8");
  for (const td::Rule rule : {td::Rule::channel, td::Rule::entry, td::Rule::blocks}) {
    auto target = net("resnet8");
    const auto report =
        td::transfer(td::state_of(*source), *target, target->blocks(), {.rule = rule, .alpha = 0.5, .blocks = 2, .seed = 4});
    for (const auto& t : report.tensors) {
      if (t.copied == 0) {
        EXPECT_FALSE(t.inherited.defined()) << t.name;
        continue;
      }
      ASSERT_TRUE(t.inherited.defined()) << t.name;
      EXPECT_EQ(t.inherited.sizes().vec(), t.shape) << t.name;
      EXPECT_EQ(t.inherited.sum().item<double>(), static_cast<double>(t.copied)) << t.name;
    }
  }
}

// L2-SP: λ_SP = 0 (or no anchors) is plain training bit for bit; a large λ_SP keeps the anchored
// entries near their anchor, and leaves the other entries free to move.
TEST(DeepTrain, L2SpPullsAnchoredEntriesTowardsTheirValues) {
  const auto run = [](double l2sp, bool anchored) {
    torch::manual_seed(11);
    auto m = md::make_model({"resnet8", 1, 2, 12});
    std::vector<ptlab::train::deep::Anchor> anchors;
    torch::Tensor w = m->named_parameters()["stem.0.weight"];
    torch::Tensor mask = torch::zeros_like(w);
    mask.index_fill_(0, torch::tensor({0, 1, 2}, torch::kLong), 1.0);  // three output channels anchored
    if (anchored) anchors.push_back({w, w.detach().clone(), mask});
    const torch::Tensor before = w.detach().clone();
    ptlab::train::deep::train_model(*m, toy(128, 1), toy(32, 2),
                                    {.lr = 0.05, .epochs = 2, .batch_size = 32, .seed = 3, .l2sp = l2sp}, {}, anchors);
    const torch::Tensor moved = (w.detach() - before).abs();
    return std::pair{(moved * mask).sum().item<double>(), (moved * (1 - mask)).sum().item<double>() / 13.0 * 3.0};
  };
  const auto plain = run(0.0, false);
  const auto zero = run(0.0, true);
  const auto none = run(50.0, false);
  EXPECT_EQ(plain, zero);
  EXPECT_EQ(plain, none);
  const auto strong = run(50.0, true);
  EXPECT_LT(strong.first, 0.2 * plain.first);  // anchored channels held back
  EXPECT_GT(strong.second, 0.2 * plain.second); // the 13 others still train (per channel, scaled)
  EXPECT_THROW(ptlab::train::deep::train_model(*md::make_model({"resnet8", 1, 2, 12}), toy(8, 1), toy(8, 2), {.l2sp = -1}),
               core::InputError);
}

// Penultimate features: the head's input, for every architecture; the logits are the head of them.
TEST(DeepModels, FeaturesAreWhatTheHeadMapsToLogits) {
  for (const std::string& arch : md::architectures()) {
    torch::manual_seed(3);
    auto m = md::make_model({arch, 1, 4, 16});
    m->eval();
    torch::NoGradGuard g;
    const auto x = torch::randn({5, 1, 16, 16});
    const auto f = m->features(x);
    ASSERT_EQ(f.dim(), 2) << arch;
    EXPECT_EQ(f.size(0), 5) << arch;
    auto head = m->named_children()["head"];
    ASSERT_TRUE(head) << arch;
    EXPECT_TRUE(torch::equal(head->as<torch::nn::Linear>()->forward(f), m->forward(x))) << arch;
  }
}

// torchvision's ResNet names map to ours and back: a pure function on names.
TEST(DeepTransfer, TorchvisionResnetNamesMapToOurs) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"conv1.weight", "stem.0.weight"},
      {"bn1.running_var", "stem.1.running_var"},
      {"bn1.num_batches_tracked", "stem.1.num_batches_tracked"},
      {"layer1.0.conv1.weight", "stage1.0.conv1.weight"},
      {"layer1.1.bn2.bias", "stage1.1.bn2.bias"},
      {"layer2.0.downsample.0.weight", "stage2.0.shortcut.0.weight"},
      {"layer4.0.downsample.1.running_mean", "stage4.0.shortcut.1.running_mean"},
      {"layer12.3.conv1.weight", "stage12.3.conv1.weight"},
      {"layer1.0.bn1.conv1.weight", "stage1.0.bn1.conv1.weight"},  // only the leading conv1/bn1 are the stem's
      {"fc.weight", "head.weight"},
      {"fc.bias", "head.bias"},
  };
  for (const auto& [tv, ours] : pairs) {
    EXPECT_EQ(td::from_torchvision_resnet(tv), ours) << tv;
    EXPECT_EQ(td::to_torchvision_resnet(ours), tv) << ours;
  }
  // Outside the layout: unchanged.
  for (const std::string n : {"layer.0.conv1.weight", "layerx.0.conv1.weight", "layer1", "conv1", "fc1.weight",
                              "xconv1.weight", "downsample.0.weight", "module.conv1.weight", "stage1.0.conv1.weight"})
    EXPECT_EQ(td::from_torchvision_resnet(n), n) << n;
  EXPECT_TRUE(td::is_torchvision_resnet({"conv1.weight", "fc.bias", "layer1.0.conv1.weight"}));
  EXPECT_FALSE(td::is_torchvision_resnet({"stem.0.weight", "stage1.0.conv1.weight", "conv1.weight"}));
  EXPECT_FALSE(td::is_torchvision_resnet({}));
}

// torchvision's stem: 7 × 7 stride 2, then a 3 × 3 stride-2 max-pool, so a 64 × 64 image leaves the
// stem at 16 × 16; resnet18 only.
TEST(DeepModels, ImagenetStemQuartersTheImageAndIsResnet18s) {
  torch::manual_seed(2);
  auto m = md::make_model({"resnet18", 3, 5, 64, "imagenet"});
  m->eval();
  torch::NoGradGuard g;
  const auto x = torch::randn({2, 3, 64, 64});
  EXPECT_EQ(m->forward(x).sizes().vec(), (std::vector<std::int64_t>{2, 5}));
  EXPECT_EQ(m->block_outputs(x).front().sizes().vec(), (std::vector<std::int64_t>{2, 64, 16, 16}));
  EXPECT_EQ(td::state_of(*m).at("stem.0.weight").sizes().vec(), (std::vector<std::int64_t>{64, 3, 7, 7}));
  EXPECT_EQ(td::state_of(*md::make_model({"resnet18", 3, 5, 64})).at("stem.0.weight").sizes().vec(),
            (std::vector<std::int64_t>{64, 3, 3, 3}));
  try {
    md::make_model({"resnet8", 3, 5, 64, "imagenet"});
    ADD_FAILURE() << "the imagenet stem was built for resnet8";
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "model.stem = \"imagenet\": torchvision's ResNet stem is for resnet18 only; "
                                     "expected \"small\" for resnet8");
  }
  EXPECT_THROW(md::make_model({"resnet18", 3, 5, 64, "large"}), core::InputError);
}

namespace {

bool python_torch() { return std::system("/usr/bin/python3 -c 'import torch' > /dev/null 2>&1") == 0; }

// A state_dict in torchvision's ResNet layout (resnet18: BasicBlocks [2, 2, 2, 2]; resnet50:
// Bottlenecks [3, 4, 6, 3]) with torchvision's names and shapes, written by Python's torch.save
// without torchvision: tensor k (1-based, in order) holds arange(n) / n + k, float32; each
// BatchNorm's num_batches_tracked is the int64 scalar k. Saved as a plain dict; argv[3] = "ordered"
// saves the OrderedDict itself, with a _metadata as nn.Module.state_dict() sets.
constexpr const char* kTorchvisionResnet = R"(import collections, sys, torch
arch, out = sys.argv[1], sys.argv[2]
sd = collections.OrderedDict()
def put(name, *shape):
    n = 1
    for s in shape: n *= s
    sd[name] = torch.arange(n, dtype=torch.float32).reshape(shape) / n + (len(sd) + 1)
def bn(p, c):
    for t in ("weight", "bias", "running_mean", "running_var"): put(p + "." + t, c)
    sd[p + ".num_batches_tracked"] = torch.tensor(len(sd) + 1, dtype=torch.long)
put("conv1.weight", 64, 3, 7, 7); bn("bn1", 64)
blocks, expansion = ([2, 2, 2, 2], 1) if arch == "resnet18" else ([3, 4, 6, 3], 4)
inp = 64
for i, (w, n) in enumerate(zip([64, 128, 256, 512], blocks)):
    for b in range(n):
        p = "layer%d.%d" % (i + 1, b)
        if expansion == 1:
            put(p + ".conv1.weight", w, inp, 3, 3); bn(p + ".bn1", w)
            put(p + ".conv2.weight", w, w, 3, 3); bn(p + ".bn2", w)
        else:
            put(p + ".conv1.weight", w, inp, 1, 1); bn(p + ".bn1", w)
            put(p + ".conv2.weight", w, w, 3, 3); bn(p + ".bn2", w)
            put(p + ".conv3.weight", w * 4, w, 1, 1); bn(p + ".bn3", w * 4)
        if b == 0 and (i > 0 or inp != w * expansion):
            put(p + ".downsample.0.weight", w * expansion, inp, 1, 1); bn(p + ".downsample.1", w * expansion)
        inp = w * expansion
put("fc.weight", 1000, inp); put("fc.bias", 1000)
sd._metadata = collections.OrderedDict([("", {"version": 1}), ("bn1", {"version": 2})])
torch.save(sd if sys.argv[3:] == ["ordered"] else dict(sd), out)
)";

// What `ptlab ARGS` did: its exit status and its standard error.
struct Exit {
  int code;
  std::string err;
};

}  // namespace

class DeepImport : public ptlab::testing::TempDirTest {
 protected:
  // DIR/<arch>.pt in torchvision's layout (kTorchvisionResnet).
  std::string torchvision_archive(const std::string& arch, const std::string& how = "plain") {
    const std::string script = write("tv.py", kTorchvisionResnet);
    const std::string out = path(arch + "_" + how + ".pt");
    EXPECT_EQ(std::system(("/usr/bin/python3 " + script + " " + arch + " " + out + " " + how).c_str()), 0);
    return out;
  }
  // A config on tiny IDX files (four classes) brought to 64 × 64 RGB, importing `archive` into
  // model.arch = `arch` with model.stem = `stem`.
  std::string config(const std::string& archive, const std::string& arch, const std::string& stem) {
    ptlab::testing::write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), ptlab::testing::corners(200, 1));
    ptlab::testing::write_idx(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte"), ptlab::testing::corners(40, 2));
    return "[data]\ndataset = \"idx\"\ndir = \"" + dir_.string() + "\"\nsize = 64\nchannels = 3\n"
           "[upstream]\nclasses = [0, 1]\nper_class = 0\n"
           "[downstream]\nclasses = [2, 3]\nper_class = 2\nepochs = 1\nbatch_size = 4\n"
           "[model]\narch = \"" + arch + "\"\nstem = \"" + stem + "\"\n"
           "[transfer]\nalphas = [1.0]\nimport = \"" + archive + "\"\n[run]\nseeds = 1\nthreads = 2\n";
  }
  Exit ptlab_exe(const std::string& args) {
    const int rc = std::system((std::string(PTLAB_EXE) + " " + args + " > " + path("out.txt") + " 2> " + path("err.txt")).c_str());
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read(path("err.txt"))};
  }
  static std::string error_of(const ptlab::experiment::DeepSpec& spec) {
    try {
      ptlab::experiment::check_deep(spec);
    } catch (const core::InputError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(DeepImport, TorchvisionResnet18ArchiveMatchesEveryTensorButTheHead) {
  if (!python_torch()) GTEST_SKIP() << "Debian's python3-torch is not installed (scripts/install-deps.sh --tests)";
  const std::string archive = torchvision_archive("resnet18");
  const td::State raw = td::load_state(archive);
  ASSERT_EQ(raw.size(), 122u);  // torchvision's resnet18 state_dict: 62 parameters, 20 BatchNorms × 3 buffers
  const td::Archive mapped = td::load_archive(archive);
  EXPECT_TRUE(mapped.torchvision);
  ASSERT_EQ(mapped.state.size(), 122u);
  // conv1.weight is the generator's first tensor: entry i is i / 9408 + 1 (9408 = 64·3·7·7).
  EXPECT_EQ(mapped.state.at("stem.0.weight").flatten()[1].item<float>(), 1.0f / 9408.0f + 1.0f);
  EXPECT_FALSE(mapped.state.count("conv1.weight"));
  // model.state_dict() saved as it is (an OrderedDict): the same tensors.
  const td::Archive ordered = td::load_archive(torchvision_archive("resnet18", "ordered"));
  EXPECT_TRUE(ordered.torchvision);
  ASSERT_EQ(ordered.state.size(), mapped.state.size());
  for (const auto& [name, value] : mapped.state) EXPECT_TRUE(torch::equal(ordered.state.at(name), value)) << name;

  // resnet18 with torchvision's stem on 3 channels: everything matches; only fc (1000 classes
  // there, 5 here) does not fit.
  auto model = md::make_model({"resnet18", 3, 5, 64, "imagenet"});
  const auto report = td::transfer(mapped.state, *model, model->blocks(), {.rule = td::Rule::all});
  EXPECT_EQ(report.tensors.size(), 122u);
  EXPECT_TRUE(report.unmatched_source.empty());
  EXPECT_EQ(report.mis_shaped, (std::vector<std::string>{"head.bias", "head.weight"}));
  EXPECT_EQ(std::count_if(report.tensors.begin(), report.tensors.end(), [](const auto& t) { return t.copied == t.total; }),
            120);
  EXPECT_EQ(report.total() - report.copied(), 5 * 512 + 5);
  const auto after = td::state_of(*model);
  for (const auto& [name, value] : raw) {
    if (name.rfind("fc.", 0) == 0) continue;  // the head is never copied
    EXPECT_TRUE(torch::equal(after.at(td::from_torchvision_resnet(name)), value)) << name;
  }
  // The small stem's 3 × 3 conv cannot take the 7 × 7 one; the rest still matches.
  auto small = md::make_model({"resnet18", 3, 5, 64});
  EXPECT_EQ(td::transfer(mapped.state, *small, small->blocks(), {.rule = td::Rule::all}).mis_shaped,
            (std::vector<std::string>{"head.bias", "head.weight", "stem.0.weight"}));

  // Through `ptlab deep`'s steps: checked, imported, and at α = 1 every tensor but the head
  // inherited, with the layout said in the messages and the transfer report.
  const auto spec = ptlab::experiment::parse_deep_config(config(archive, "resnet18", "imagenet"), "tv.toml");
  EXPECT_EQ(error_of(spec), "");
  std::vector<std::string> said;
  const auto r = ptlab::experiment::run_deep(spec, {.message = [&](const std::string& m) { said.push_back(m); }});
  ASSERT_EQ(r.records.size(), 1u);
  ASSERT_FALSE(said.empty());
  // The upstream net has 2 classes: its head (2 × 512 + 2) is the one tensor pair left out.
  const std::int64_t body = report.total() - (5 * 512 + 5);
  EXPECT_EQ(said.front(), fmt::format("seed 0: upstream imported from {} ({} of {} entries matched, 0 source tensors "
                                      "unused, 2 mis-shaped; {})", archive, body, body + 2 * 512 + 2,
                                      td::kTorchvisionResnetLayout));
  EXPECT_EQ(r.transfer_report.rfind("source: " + archive + ", " + td::kTorchvisionResnetLayout + "\n", 0), 0u)
      << r.transfer_report;
  const std::int64_t down_total = body + 2 * 512 + 2;  // the downstream head has 2 classes too
  EXPECT_EQ(r.records[0].copied_fraction, static_cast<double>(down_total - (2 * 512 + 2)) / static_cast<double>(down_total));
  // The downstream model at α = 1 starts from the archive's values (fresh head).
  const auto data = ptlab::experiment::deep::load(spec);
  const auto up = ptlab::experiment::deep::prepare_upstream(spec, data, 0, torch::Device(torch::kCPU), "");
  EXPECT_EQ(up.layout, td::kTorchvisionResnetLayout);
  auto down = ptlab::experiment::deep::fresh_downstream(spec, data, 2, 0, torch::Device(torch::kCPU));
  const auto inherited = ptlab::experiment::deep::inherit(spec, 1.0, up.source, *down, 0, {});
  EXPECT_EQ(inherited.report.copied(), down_total - (2 * 512 + 2));
  const auto down_state = td::state_of(*down);
  for (const auto& [name, value] : raw) {
    if (name.rfind("fc.", 0) == 0) continue;  // the head is never copied
    EXPECT_TRUE(torch::equal(down_state.at(td::from_torchvision_resnet(name)), value)) << name;
  }
}

TEST_F(DeepImport, TorchvisionArchivesOfAnotherArchitectureAreRefusedBeforeTraining) {
  if (!python_torch()) GTEST_SKIP() << "Debian's python3-torch is not installed (scripts/install-deps.sh --tests)";
  // resnet50 (Bottleneck blocks): names and shapes that resnet18 does not have.
  const std::string r50 = torchvision_archive("resnet50");
  const std::string e50 = error_of(ptlab::experiment::parse_deep_config(config(r50, "resnet18", "imagenet"), "a.toml"));
  EXPECT_EQ(e50.rfind("transfer.import " + r50 + ": a torchvision ResNet archive that does not fit model.arch = "
                      "\"resnet18\" (", 0), 0u) << e50;
  EXPECT_NE(e50.find("source tensors unmatched, e.g. layer1.0.bn3.bias; "), std::string::npos) << e50;
  EXPECT_NE(e50.find(" mis-shaped, e.g. layer1.0.conv1.weight: 64x64x1x1, the model's 64x64x3x3); expected "
                     "torchvision's resnet18 weights (torchvision.models.resnet18().state_dict()) with model.arch = "
                     "\"resnet18\""), std::string::npos) << e50;
  EXPECT_EQ(std::count(e50.begin(), e50.end(), '\n'), 0);
  // resnet18's weights into resnet8: refused by `ptlab deep` with one line, exit 2, no study written.
  const std::string r18 = torchvision_archive("resnet18");
  const std::string cfg = write("r8.toml", config(r18, "resnet8", "small"));
  const std::string e8 = error_of(ptlab::experiment::load_deep_config(cfg));
  EXPECT_EQ(e8.rfind("transfer.import " + r18 + ": a torchvision ResNet archive that does not fit model.arch = "
                     "\"resnet8\" (", 0), 0u) << e8;
  const Exit cli = ptlab_exe("deep " + cfg + " --store " + path("r8.db") + " --checkpoints " + path("ck"));
  EXPECT_EQ(cli.code, 2) << cli.err;
  EXPECT_EQ(cli.err, "ptlab: " + e8 + "\n");
  EXPECT_FALSE(std::filesystem::exists(path("r8.db")));
  EXPECT_FALSE(std::filesystem::exists(path("ck")));
  // An archive whose only matches are BatchNorm counters (num_batches_tracked) matches nothing.
  auto vgg = md::make_model({"vgg11", 3, 5, 64});
  td::State counters;
  for (const auto& [name, value] : td::state_of(*vgg))
    if (value.dim() == 0) counters["stem." + name] = value;  // unmatched names
  counters["stage1.0.bn1.num_batches_tracked"] = torch::tensor(3, torch::kLong);
  counters["stage1.0.conv1.weight"] = torch::zeros({2, 2});
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [name, value] : counters) dict.insert(name, value);
  const std::vector<char> bytes = torch::pickle_save(dict);
  std::ofstream(path("counters.pt"), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const std::string ec = error_of(ptlab::experiment::parse_deep_config(config(path("counters.pt"), "resnet8", "small"), "c.toml"));
  EXPECT_EQ(ec.rfind("transfer.import " + path("counters.pt") + ": no tensor matches a resnet8 model (", 0), 0u) << ec;
  EXPECT_NE(ec.find("mis-shaped, e.g. stage1.0.conv1.weight: 2x2, the model's 16x16x3x3); expected weights of this "
                    "architecture"), std::string::npos) << ec;
}

// `ptlab deep` on an image folder whose splits differ in size (data.size = 0): one line, exit 2,
// nothing written, before any training.
TEST_F(DeepImport, DeepOnAFolderWithSplitsOfTwoSizesIsOneLine) {
  for (const char* cls : {"a", "b", "c"}) {
    ptlab::testing::write_png(dir_ / "img/train" / cls / "1.png", 4, 4, 1, ptlab::testing::grey_ramp(4, 4, 0));
    ptlab::testing::write_png(dir_ / "img/test" / cls / "1.png", 5, 5, 1, ptlab::testing::grey_ramp(5, 5, 0));
  }
  const std::string cfg = write("folder.toml", "[data]\ndataset = \"folder\"\ndir = \"" + path("img") +
                                                   "\"\n[upstream]\nclasses = [0, 1]\nper_class = 0\n[downstream]\n"
                                                   "classes = [1, 2]\nper_class = 0\n[run]\nseeds = 1\n");
  const Exit cli = ptlab_exe("deep " + cfg + " --store " + path("f.db"));
  EXPECT_EQ(cli.code, 2) << cli.err;
  EXPECT_EQ(cli.err, "ptlab: " + path("img") + ": train/ images are 4 × 4 pixels, test/ images 5 × 5; expected one size "
                                              "for both splits, or set data.size to resize\n");
  EXPECT_FALSE(std::filesystem::exists(path("f.db")));
  // With data.size they are one size: the same config passes the checks.
  EXPECT_EQ(error_of(ptlab::experiment::load_deep_config(cfg, {"data.size=4"})), "");
}
