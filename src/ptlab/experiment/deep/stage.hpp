#pragma once
// The steps of a deep transfer experiment, shared by `ptlab deep` (experiment/deep_run.cpp) and the
// deep probes of `ptlab advise` (advise/deep/): the data, each stage's task, the fresh models, the
// upstream (trained, read from a checkpoint or imported) and the inheritance of one setting. Each
// is a pure function of (spec, seed), so a probe and the full run see the same upstream, the same
// downstream training set and the same fresh initialisation. Deep half only (LibTorch).
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ptlab/core/rng.hpp"
#include "ptlab/data/dataset_dir.hpp"
#include "ptlab/data/images.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "ptlab/transfer/deep/copy.hpp"

namespace ptlab::experiment::deep {

/// The data of both stages: one data set, or (cross-dataset transfer, data.downstream_dataset) two
/// brought to one image shape.
struct StageData {
  data::TrainTest up;                     ///< the upstream stage's data set (data.dataset)
  std::optional<data::TrainTest> other;   ///< the downstream stage's, when it is another data set
  const data::TrainTest& upstream() const { return up; }
  const data::TrainTest& downstream() const { return other ? *other : up; }
};

/// The data sets of a spec, resized and converted as data.size and data.channels say. Throws
/// core::InputError for missing files, a class of a stage with no images in a split, or two data
/// sets whose image shapes differ.
StageData load(const DeepSpec& spec);

/// The training and test sets of one stage.
struct Stage {
  data::ImageSet train, test;
  data::ImageSet val;  ///< downstream.val_fraction's held-out part of the training images (else empty)
};

/// Stage `t` of `data`: its class split relabelled 0 … k−1 (per_class training images, label
/// noise), or (upstream) rotation prediction on the images of its classes; drawn from `rng`.
Stage make_stage(const data::TrainTest& data, const DeepTrainSpec& t, core::Rng& rng);

/// The upstream stage of `seed` (stream upstream_train), as run_deep draws it.
Stage upstream_stage(const DeepSpec& spec, const StageData& data, std::uint64_t seed);
/// The downstream stage of `seed` (stream downstream_train), as run_deep draws it; with
/// downstream.val_fraction > 0 its validation part is carved from the training images (the same
/// stream, after the task is drawn, so runs without validation keep their bits).
Stage downstream_stage(const DeepSpec& spec, const StageData& data, std::uint64_t seed);

/// The trainer's options of a transfer run of `spec` at `seed`: the downstream keys, with the
/// transfer-only ones (l2sp, probe_epochs, block_lr).
train::deep::TrainOptions downstream_options(const DeepSpec& spec, std::uint64_t seed);
/// The scratch run's options: downstream_options without the transfer-only keys (scratch
/// inherits nothing to anchor, probe or slow down). Same seed, so the same shuffles.
train::deep::TrainOptions scratch_options(const DeepSpec& spec, std::uint64_t seed);

/// Training images of a stage (of its data set `data`), known before sampling.
std::int64_t stage_images(const data::TrainTest& data, const DeepTrainSpec& t);

/// The device of run.device. Throws core::InputError for "cuda" without a GPU.
torch::Device resolve_device(DeepDevice device);

/// The model spec of a stage's net: spec's architecture, the data's image shape, `classes` outputs.
model::deep::ModelSpec model_spec(const DeepSpec& spec, const StageData& data, int classes);

/// A fresh model whose initial weights depend only on (seed, stream): the transfer and scratch
/// runs of a pair start from the same fresh weights (drawn on the CPU, then moved).
std::shared_ptr<model::deep::Net> fresh(const model::deep::ModelSpec& m, std::uint64_t seed, core::Stream stream,
                                        const torch::Device& device);

/// The downstream fresh model of `seed` (stream downstream_init): what scratch starts from.
std::shared_ptr<model::deep::Net> fresh_downstream(const DeepSpec& spec, const StageData& data, int classes,
                                                   std::uint64_t seed, const torch::Device& device);

/// The archive of transfer.import as the upstream: read, and copied whole into the upstream net.
struct Imported {
  transfer::deep::State source;   ///< the archive's tensors under ptlab's names
  transfer::deep::Report report;  ///< what was copied into the net (rule all, head included where it fits)
  /// "" for an archive with ptlab's names; else one line: read as torchvision's ResNet layout, and
  /// why its stem conv was not copied when it was not (the model's stem or channels differ).
  std::string layout;
};

/// Reads spec.import_weights (transfer::deep::load_archive: torchvision's ResNet layout is mapped
/// to ptlab's names) and copies it into `net` (the upstream model of `spec`). Throws
/// core::InputError, one line naming the file, the architecture and what was expected, when the
/// archive does not fit `net`: no tensor (counters and the head aside) matches; or, in torchvision's layout, a
/// tensor outside fc.* and the stem conv is unmatched or mis-shaped (another architecture, such as
/// resnet50's, or model.arch other than resnet18).
Imported import_upstream(const DeepSpec& spec, model::deep::Net& net);

/// A seed's upstream model and the state transfer reads from.
struct Upstream {
  std::shared_ptr<model::deep::Net> net;  ///< with the weights (an imported head of another shape stays fresh)
  transfer::deep::State source;           ///< what transfer copies from
  double accuracy = 0.0;                  ///< upstream test accuracy (NaN when imported)
  std::vector<DeepEpoch> curve;           ///< empty when imported
  bool trained = false;                   ///< trained here (not read from a checkpoint or an archive)
  std::string message;                    ///< one line saying where it came from
  std::string layout;                     ///< imported: Imported::layout ("" otherwise)
};

/// The upstream of `seed`: imported (transfer.import), read from the checkpoint in `checkpoints`
/// (when there is one), or trained (then saved there when `checkpoints` is not ""). `progress`
/// as train_model's. Throws core::InputError for a damaged or foreign checkpoint.
Upstream prepare_upstream(const DeepSpec& spec, const StageData& data, std::uint64_t seed,
                          const torch::Device& device, const std::string& checkpoints,
                          const std::function<void(int, int, int)>& progress = {});

/// Activation scores of the upstream channels on (at most 512 of) the downstream training
/// images, when spec.select is activation; empty otherwise.
std::map<std::string, torch::Tensor> selection_scores(const DeepSpec& spec, model::deep::Net& upstream,
                                                      const data::ImageSet& downstream_train, const torch::Device& device);

/// What inherit() did: the transfer report and the L2-SP anchors of the model's trainable
/// inherited parameters (empty unless downstream.l2sp > 0).
struct Inherited {
  transfer::deep::Report report;
  std::vector<train::deep::Anchor> anchors;
};

/// Inherits into the fresh downstream `model` at `setting` (α, or k for the blocks rule) by
/// spec's rule: copy (never the head), shrink-and-perturb of the inherited parameter entries
/// (transfer.shrink, transfer.perturb: w ← shrink·w_up + perturb·w_fresh), freezing (AnB) and the
/// L2-SP anchors at the values the model starts from; with transfer.norm_matched, the inherited
/// parameter entries are then redrawn (the norm-matched control) and buffers keep their fresh
/// values.
Inherited inherit(const DeepSpec& spec, double setting, const transfer::deep::State& source, model::deep::Net& model,
                  std::uint64_t seed, const std::map<std::string, torch::Tensor>& scores);

/// The curve of a training run without LibTorch types.
std::vector<DeepEpoch> curve_of(const std::vector<train::deep::EpochRecord>& records);

/// The index of the epoch a run reports (downstream.select_epoch): the last, or the evaluated
/// epoch of highest validation accuracy (the first of ties; the last when none has one).
std::size_t reported_epoch(const std::vector<DeepEpoch>& curve, DeepEpochChoice choice);

}  // namespace ptlab::experiment::deep
