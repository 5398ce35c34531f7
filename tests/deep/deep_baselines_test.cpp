// Fine-tuning baselines and controls (linear probe, LP-FT, per-block learning rates, the
// norm-matched control) and validation splits with epoch selection, on tiny inputs.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/experiment/deep/stage.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "ptlab/transfer/deep/copy.hpp"
#include "support/image_files.hpp"
#include "support/temp_dir.hpp"

using namespace ptlab;
namespace md = ptlab::model::deep;
namespace td = ptlab::transfer::deep;
namespace tr = ptlab::train::deep;

namespace {

std::shared_ptr<md::Net> resnet(std::uint64_t seed) {
  torch::manual_seed(seed);
  return md::make_model({"resnet8", 1, 4, 12});
}

std::map<std::string, torch::Tensor> snapshot(const md::Net& m) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [k, v] : td::state_of(m)) out[k] = v.clone();
  return out;
}

bool is_head(const std::string& name) { return name.rfind("head.", 0) == 0; }

const data::ImageSet& train_set() {
  static const data::ImageSet s = ptlab::testing::corners(64, 1);
  return s;
}
const data::ImageSet& test_set() {
  static const data::ImageSet s = ptlab::testing::corners(32, 2);
  return s;
}

}  // namespace

TEST(DeepBaselines, ALinearProbeTrainsTheHeadAloneAndKeepsBatchNormStatistics) {
  auto m = resnet(3);
  const auto before = snapshot(*m);
  tr::train_model(*m, train_set(), test_set(), {.epochs = 2, .batch_size = 16, .seed = 1, .probe_epochs = 2});
  const auto after = snapshot(*m);
  int head_moved = 0;
  for (const auto& [k, v] : before) {
    if (is_head(k))
      head_moved += !torch::equal(v, after.at(k));
    else
      EXPECT_TRUE(torch::equal(v, after.at(k))) << k << " moved during a linear probe";  // running stats included
  }
  EXPECT_EQ(head_moved, 2);  // head.weight and head.bias
}

TEST(DeepBaselines, LpFtProbesFirstThenFineTunesEverything) {
  auto m = resnet(3);
  const auto before = snapshot(*m);
  tr::train_model(*m, train_set(), test_set(), {.epochs = 2, .batch_size = 16, .seed = 1, .probe_epochs = 1});
  const auto after = snapshot(*m);
  EXPECT_FALSE(torch::equal(before.at("stem.0.weight"), after.at("stem.0.weight")));
  EXPECT_FALSE(torch::equal(before.at("stage1.0.bn1.running_mean"), after.at("stage1.0.bn1.running_mean")));
  // The probe phase alone equals a one-epoch linear probe: same head after epoch 1.
  auto a = resnet(3), b = resnet(3);
  const auto ra = tr::train_model(*a, train_set(), test_set(), {.epochs = 2, .batch_size = 16, .seed = 1, .stop_after_steps = 4,
                                                                 .probe_epochs = 1});
  const auto rb = tr::train_model(*b, train_set(), test_set(), {.epochs = 1, .batch_size = 16, .seed = 1, .probe_epochs = 1});
  EXPECT_TRUE(torch::equal(td::state_of(*a).at("head.weight"), td::state_of(*b).at("head.weight")));
  EXPECT_EQ(ra.front().train_loss, rb.front().train_loss);
  EXPECT_THROW(tr::train_model(*a, train_set(), test_set(), {.epochs = 2, .probe_epochs = 3}), core::InputError);
}

TEST(DeepBaselines, PerBlockLearningRatesScaleEachBlockAndOnesChangeNothing) {
  // Factor 0 on the stem: its parameters stay put while the rest trains.
  auto m = resnet(4);
  const auto before = snapshot(*m);
  tr::train_model(*m, train_set(), test_set(), {.epochs = 1, .batch_size = 16, .seed = 2, .block_lr = {0, 1, 1, 1, 1}});
  const auto after = snapshot(*m);
  EXPECT_TRUE(torch::equal(before.at("stem.0.weight"), after.at("stem.0.weight")));
  EXPECT_TRUE(torch::equal(before.at("stem.1.weight"), after.at("stem.1.weight")));
  EXPECT_FALSE(torch::equal(before.at("stage1.0.conv1.weight"), after.at("stage1.0.conv1.weight")));
  // All factors 1: the same run, to the bit, as without factors (one group per block instead of one).
  auto x = resnet(5), y = resnet(5);
  const auto rx = tr::train_model(*x, train_set(), test_set(), {.epochs = 2, .batch_size = 16, .seed = 2});
  const auto ry = tr::train_model(*y, train_set(), test_set(), {.epochs = 2, .batch_size = 16, .seed = 2, .block_lr = {1, 1, 1, 1, 1}});
  EXPECT_EQ(rx.back().train_loss, ry.back().train_loss);
  for (const auto& [k, v] : td::state_of(*x)) EXPECT_TRUE(torch::equal(v, td::state_of(*y).at(k))) << k;
  try {
    tr::train_model(*x, train_set(), test_set(), {.epochs = 1, .block_lr = {1, 1}});
    ADD_FAILURE() << "a block_lr of the wrong length was accepted";
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "block_lr: 2 factors; expected 5, one per block (stem, stage1.0, stage2.0, stage3.0, head)");
  }
}

TEST(DeepBaselines, TheNormMatchedControlKeepsEachTensorsScaleAndDropsItsValues) {
  auto source = resnet(6);
  {
    torch::NoGradGuard g;
    for (auto& p : source->named_parameters()) p.value().mul_(3.0).add_(0.5);  // a scale the fresh model lacks
    for (auto& b : source->named_buffers())
      if (b.value().is_floating_point()) b.value().fill_(7.0);
  }
  const auto up = td::state_of(*source);
  experiment::DeepSpec spec;
  spec.norm_matched = true;
  auto fresh = resnet(7);
  const auto fresh_state = snapshot(*fresh);
  auto model = resnet(7);
  const auto inherited = experiment::deep::inherit(spec, 1.0, up, *model, 0, {});
  const auto got = td::state_of(*model);
  const torch::Tensor w = got.at("stage3.0.conv2.weight"), u = up.at("stage3.0.conv2.weight");  // 64·64·9 entries
  EXPECT_FALSE(torch::equal(w, u));
  EXPECT_NEAR(w.mean().item<double>(), u.mean().item<double>(), 0.02 * u.std().item<double>());
  EXPECT_NEAR(w.std().item<double>(), u.std().item<double>(), 0.02 * u.std().item<double>());
  // The values are not the upstream ones in another order: nearly uncorrelated with them.
  const double corr = ((w - w.mean()) * (u - u.mean())).mean().item<double>() / (w.std().item<double>() * u.std().item<double>());
  EXPECT_LT(std::abs(corr), 0.05);
  // Running statistics stay fresh; the head is never inherited.
  EXPECT_TRUE(torch::equal(got.at("stage1.0.bn1.running_var"), fresh_state.at("stage1.0.bn1.running_var")));
  EXPECT_TRUE(torch::equal(got.at("head.weight"), fresh_state.at("head.weight")));
  // α = 0.5 of the channels: the other half keeps its fresh values.
  auto half = resnet(7);
  const auto r = experiment::deep::inherit(spec, 0.5, up, *half, 0, {});
  const auto h = td::state_of(*half).at("stage2.0.conv1.weight");
  const auto mask = [&] {
    for (const auto& t : r.report.tensors)
      if (t.name == "stage2.0.conv1.weight") return t.inherited;
    return torch::Tensor();
  }();
  ASSERT_TRUE(mask.defined());
  EXPECT_TRUE(torch::equal(h.masked_select(mask == 0), fresh_state.at("stage2.0.conv1.weight").masked_select(mask == 0)));
  EXPECT_FALSE(torch::equal(h.masked_select(mask == 1), up.at("stage2.0.conv1.weight").masked_select(mask == 1)));
  // A function of the seed.
  auto again = resnet(7);
  experiment::deep::inherit(spec, 1.0, up, *again, 0, {});
  EXPECT_TRUE(torch::equal(td::state_of(*again).at("stage3.0.conv2.weight"), w));
}

class DeepValidation : public ptlab::testing::TempDirTest {
 protected:
  void SetUp() override {
    ptlab::testing::TempDirTest::SetUp();
    ptlab::testing::write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), ptlab::testing::corners(400, 1));
    ptlab::testing::write_idx(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte"), ptlab::testing::corners(200, 2));
  }
  experiment::DeepSpec spec(const std::string& downstream_extra) const {
    return experiment::parse_deep_config(
        "[data]\ndataset = \"idx\"\ndir = \"" + dir_.string() +
            "\"\n[upstream]\nclasses = [0, 1]\nper_class = 60\nepochs = 2\nbatch_size = 32\n"
            "[downstream]\nclasses = [2, 3]\nper_class = 10\nepochs = 3\nbatch_size = 8\n" + downstream_extra +
            "[transfer]\nalphas = [0.0, 1.0]\n[run]\nseeds = 1\nthreads = 1\n",
        "tiny.toml");
  }
};

TEST_F(DeepValidation, RunsReportTheBestValidationEpochAndItsTestAccuracy) {
  const auto s = spec("val_fraction = 0.2\nselect_epoch = \"val\"\n");
  EXPECT_NO_THROW(experiment::check_deep(s));
  std::vector<std::string> said;
  const auto r = experiment::run_deep(s, {.message = [&](const std::string& m) { said.push_back(m); }});
  ASSERT_EQ(r.records.size(), 2u);
  for (const auto& rec : r.records) {
    ASSERT_EQ(rec.transfer_curve.size(), 3u);
    // Every epoch is evaluated on the 4 validation images (2 per class): accuracies in quarters.
    for (const auto& e : rec.transfer_curve) EXPECT_EQ(std::fmod(e.val_accuracy * 4.0, 1.0), 0.0) << e.val_accuracy;
    std::size_t best = 0;
    for (std::size_t i = 1; i < rec.transfer_curve.size(); ++i)
      if (rec.transfer_curve[i].val_accuracy > rec.transfer_curve[best].val_accuracy) best = i;
    EXPECT_EQ(rec.transfer_epoch, rec.transfer_curve[best].epoch);
    EXPECT_EQ(rec.transfer_accuracy, rec.transfer_curve[best].test_accuracy);
    EXPECT_EQ(rec.transfer_val_accuracy, rec.transfer_curve[best].val_accuracy);
  }
  EXPECT_NE(std::find_if(said.begin(), said.end(),
                         [](const std::string& m) { return m.find("16 images, 4 held out for validation") != std::string::npos; }),
            said.end())
      << fmt::format("{}", fmt::join(said, "\n"));
  // The downstream stage: 16 training images, 4 validation images, none shared.
  const auto data = experiment::deep::load(s);
  const auto stage = experiment::deep::downstream_stage(s, data, 0);
  EXPECT_EQ(stage.train.n, 16);
  EXPECT_EQ(stage.val.n, 4);
  // Without validation the stage is the same draw as before validation existed: the union.
  const auto plain = experiment::deep::downstream_stage(spec(""), data, 0);
  EXPECT_EQ(plain.train.n, 20);
  EXPECT_EQ(plain.val.n, 0);
}

TEST_F(DeepValidation, AFractionThatLeavesAClassWithoutValidationImagesIsRefusedBeforeTraining) {
  try {
    experiment::check_deep(spec("val_fraction = 0.05\n"));
    ADD_FAILURE() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "downstream.val_fraction = 0.05: class 2 has 10 training images, so its validation part would be empty; "
              "expected a fraction that leaves at least one image of every class on each side (here at least 0.1)");
  }
  try {
    experiment::check_deep(spec("block_lr = [1, 1]\n"));
    ADD_FAILURE() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "downstream.block_lr: 2 factors; expected 5, one per block of resnet8 (stem, "
                                     "stage1.0, stage2.0, stage3.0, head)");
  }
}

TEST_F(DeepValidation, AlphaZeroWithATransferOnlyOptionIsTrainedNotTakenFromScratch) {
  std::vector<std::string> said;
  const auto r = experiment::run_deep(spec("probe_epochs = 3\n"), {.message = [&](const std::string& m) { said.push_back(m); }});
  for (const auto& m : said) EXPECT_EQ(m.find("inherits nothing"), std::string::npos) << m;
  // A linear probe of a fresh net is not the scratch run.
  EXPECT_NE(r.records[0].transfer_curve.back().train_loss, r.records[0].scratch_curve.back().train_loss);
}

TEST_F(DeepValidation, BaselinesAreNamedPairedWithScratchAndRunFromTheCli) {
  const auto s = spec("");
  const auto baselines = experiment::deep_baselines(s);
  std::vector<std::string> names;
  for (const auto& b : baselines) names.push_back(b.name);
  EXPECT_EQ(names, (std::vector<std::string>{"alpha = 0", "alpha = 1", "norm-matched random (alpha = 1)",
                                             "shrink-perturb 0.5/0.1 (alpha = 1)", "L2-SP lambda 0.1 (alpha = 1)",
                                             "linear probe (alpha = 1)", "LP-FT (head only for 1 of 3 epochs) (alpha = 1)",
                                             "lr factors 0.1 to 1 by block (alpha = 1)"}));
  const auto& lr = baselines.back().spec.downstream.block_lr;
  ASSERT_EQ(lr.size(), 5u);
  EXPECT_DOUBLE_EQ(lr[0], 0.1);
  EXPECT_DOUBLE_EQ(lr[2], std::pow(0.1, 0.5));
  EXPECT_DOUBLE_EQ(lr[4], 1.0);
  EXPECT_EQ(baselines[5].spec.downstream.probe_epochs, 3);
  // The CLI: one table with every name; refused with --store, one line, exit 2.
  std::ofstream(path("tiny.toml")) << experiment::deep_canonical_toml(s);
  const std::string exe = PTLAB_EXE;
  ASSERT_EQ(std::system((exe + " deep " + path("tiny.toml") + " --baselines > " + path("out.txt") + " 2> " +
                         path("err.txt")).c_str()), 0);
  std::stringstream out;
  out << std::ifstream(path("out.txt")).rdbuf();
  for (const auto& n : names) EXPECT_NE(out.str().find(n), std::string::npos) << n << "\n" << out.str();
  const int rc = std::system((exe + " deep " + path("tiny.toml") + " --baselines --store " + path("s.db") + " > /dev/null 2> " +
                              path("err2.txt")).c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  std::stringstream err;
  err << std::ifstream(path("err2.txt")).rdbuf();
  EXPECT_EQ(err.str(), "ptlab: --baselines: runs its candidates in one process and prints one table; expected no --store "
                       "or --shard\n");
  EXPECT_FALSE(std::filesystem::exists(path("s.db")));
}
