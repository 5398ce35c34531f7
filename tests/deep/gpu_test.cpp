// The CUDA path (label gpu): the same training on the GPU as on the CPU, and `run.device =
// "cuda"` end to end. Debian's LibTorch is CPU-only, so on machines without a CUDA build and a
// GPU every test here skips with the reason (scripts/test.sh lets only this label skip).
#include <gtest/gtest.h>

#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "ptlab/transfer/deep/copy.hpp"
#include "support/image_files.hpp"
#include "support/temp_dir.hpp"

using namespace ptlab;

namespace {

bool skip_without_cuda() { return !torch::cuda::is_available(); }
constexpr const char* kNoCuda =
    "no CUDA device or a CPU-only LibTorch (Debian's libtorch-dev is CPU-only): the GPU path needs a CUDA LibTorch and "
    "a GPU";

}  // namespace

TEST(Gpu, TrainingOnCudaMatchesTheCpuFromTheSameStart) {
  if (skip_without_cuda()) GTEST_SKIP() << kNoCuda;
  torch::manual_seed(0);
  auto cpu = model::deep::make_model({"resnet8", 1, 4, 12});
  torch::manual_seed(0);
  auto gpu = model::deep::make_model({"resnet8", 1, 4, 12});
  gpu->to(torch::Device(torch::kCUDA));
  const auto train = ptlab::testing::corners(256, 1), test = ptlab::testing::corners(128, 2);
  const train::deep::TrainOptions o{.epochs = 3, .batch_size = 32, .seed = 4};
  const auto rc = train::deep::train_model(*cpu, train, test, o);
  const auto rg = train::deep::train_model(*gpu, train, test, o);
  // Same data, order and start; kernels differ in summation order, so the results agree closely,
  // not to the bit.
  EXPECT_NEAR(rg.front().train_loss, rc.front().train_loss, 1e-3 * rc.front().train_loss);
  EXPECT_NEAR(rg.back().test_accuracy, rc.back().test_accuracy, 0.05);
  EXPECT_TRUE(transfer::deep::state_of(*gpu).at("head.weight").is_cuda());
}

class GpuRun : public ptlab::testing::TempDirTest {};

TEST_F(GpuRun, RunDeviceCudaTrainsEveryStageOnTheGpu) {
  if (skip_without_cuda()) GTEST_SKIP() << kNoCuda;
  ptlab::testing::write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), ptlab::testing::corners(400, 1));
  ptlab::testing::write_idx(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte"), ptlab::testing::corners(200, 2));
  const auto spec = experiment::parse_deep_config(
      "[data]\ndataset = \"idx\"\ndir = \"" + dir_.string() +
          "\"\n[upstream]\nclasses = [0, 1]\nper_class = 90\nepochs = 3\nbatch_size = 32\n"
          "[downstream]\nclasses = [2, 3]\nper_class = 10\nepochs = 2\nbatch_size = 8\nval_fraction = 0.2\n"
          "[transfer]\nalphas = [0.0, 1.0]\n[run]\nseeds = 1\ndevice = \"cuda\"\n",
      "gpu.toml");
  const auto r = experiment::run_deep(spec);
  EXPECT_EQ(r.device, "cuda");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_GT(r.records[0].upstream_accuracy, 0.8);
  EXPECT_EQ(r.records[0].transfer_accuracy, r.records[0].scratch_accuracy);  // α = 0 is the scratch run
  EXPECT_TRUE(std::isfinite(r.records[1].transfer_val_accuracy));
}
