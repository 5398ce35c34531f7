#pragma once
// Training and evaluation of the deep models (docs/design.md §3) with LibTorch: mini-batch SGD with
// momentum or AdamW, cosine learning-rate schedule, weight decay, optional augmentation and
// Gaussian input noise (the "upstream noise" knob), evaluation after every epoch. CPU by default;
// CUDA when LibTorch was built with it and a device is present.
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "ptlab/data/images.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/options.hpp"  // TrainOptions, Optimizer

namespace ptlab::train::deep {

struct EpochRecord {
  int epoch = 0;
  double train_loss = 0.0;      ///< mean cross-entropy over the epoch's batches
  double train_accuracy = 0.0;  ///< on the (augmented, noisy) batches as trained
  double test_accuracy = 0.0;   ///< clean test set, eval mode (NaN in epochs not evaluated)
  double val_accuracy = 0.0;    ///< validation set, as the test set (NaN without one or not evaluated)
  double images_per_s = 0.0;    ///< training throughput of the epoch
};

/// Sets LibTorch's intra-op threads (0 = every core) and, when the BLAS is OpenBLAS, one BLAS
/// thread inside them: OpenBLAS's own threads on top of LibTorch's oversubscribe the cores (the
/// ViT trains 1.7× slower so; docs/performance.md §8). Returns the thread count.
int set_threads(int threads);

/// Images as a float tensor N × C × H × W, scaled to [−1, 1] ((x/255 − 0.5)/0.5).
torch::Tensor to_tensor(const data::ImageSet& images);

/// Accuracy of `model` (eval mode, no gradients) on images x with labels y, in batches.
double accuracy(model::deep::Net& model, const torch::Tensor& x, const torch::Tensor& y, int batch_size = 256);

/// An L2-SP anchor: a parameter of the model, the value it is pulled towards and which entries
/// (a float 0/1 mask of the same shape: the inherited ones).
struct Anchor {
  torch::Tensor param, value, mask;
};

/// Trains `model` in place on `train`, evaluating on `test` (and on `val` when it has images)
/// after each evaluated epoch; parameters with requires_grad = false (frozen by transfer) are not
/// updated. `progress(epoch, batch, batches)` is called after every batch when set. With
/// options.l2sp > 0, every step adds l2sp·mask ⊙ (param − value) to each anchor's gradient
/// (L2-SP). options.probe_epochs and options.block_lr as documented in train/deep/options.hpp.
/// Throws core::InputError for bad options (unknown optimizer, non-positive epochs, batch size or
/// learning rate, negative noise, weight decay or l2sp, probe_epochs outside [0, epochs], a
/// block_lr list whose length is not the model's block count or with a negative factor).
std::vector<EpochRecord> train_model(model::deep::Net& model, const data::ImageSet& train, const data::ImageSet& test,
                                     const TrainOptions& options,
                                     const std::function<void(int, int, int)>& progress = {},
                                     const std::vector<Anchor>& anchors = {},
                                     const data::ImageSet& val = data::ImageSet{});

}  // namespace ptlab::train::deep
