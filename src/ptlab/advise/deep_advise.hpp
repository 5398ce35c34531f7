#pragma once
// `ptlab advise` and `ptlab score` for deep configs (docs/advice.md, "The deep half"): the same
// probes as for the theory CNN — an early-learning-curve probe on folds of the downstream
// *training* set, an activation probe and transferability scores of the penultimate features —
// on the real-image experiment of `ptlab deep`. Free of LibTorch; implemented in the deep half
// (advise/deep/), and a build without LibTorch says so.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ptlab/advise/curve_probe.hpp"
#include "ptlab/advise/decide.hpp"
#include "ptlab/advise/deep_calibration.hpp"
#include "ptlab/advise/feature_scores.hpp"
#include "ptlab/advise/validate.hpp"
#include "ptlab/experiment/deep_config.hpp"

namespace ptlab::advise {

/// How a deep probe run trains within its budget.
enum class DeepSchedule {
  /// The first steps of the full schedule (its learning rate still high), the held-out curve
  /// extrapolated to the schedule's end by the power law of curve_probe.hpp.
  prefix,
  /// A whole schedule (cosine to 0) over as many epochs as the budget holds: the final held-out
  /// error of this short run is the prediction, no extrapolation. An early lead of transfer over
  /// scratch under a high learning rate need not last (docs/advice.md); the short run's annealing
  /// lets scratch catch up as it would at the end.
  compressed,
};

struct DeepAdviseOptions {
  /// 2 folds, 3 paired seeds, at most 30% of the downstream schedule, capped at 20% of one full
  /// paired run's training images (docs/advice.md).
  CurveProbeOptions curve{.folds = 2, .budget = 0.3, .seeds = 3, .points = 6, .max_cost = 0.2};
  DeepSchedule schedule = DeepSchedule::compressed;
  std::vector<double> alphas{0.5, 1.0};  ///< α grid of the channel rule, random channels; each in (0, 1]
  double activation_alpha = 0.5;         ///< activation-selected channels at this α (0: left out)
  double tau = 0.5;                      ///< activation probe threshold, in (0, 1]
  /// First-k blocks, frozen (AnB) and fine-tuned (AnB+): k = −1 takes half the blocks below the
  /// head (rounded up), 0 leaves both out.
  int blocks = -1;
  double l2sp = 0.1;                     ///< L2-SP at α = 1 with this λ_SP (0: left out)
  double shrink = 0.5, perturb = 0.1;    ///< shrink-and-perturb at α = 1 (shrink ≤ 0: left out)
  /// The theory benchmark's tuned rule, used unchanged: no deep pair was used to choose it.
  DecisionRule rule{.level = 0.7, .margin = 0.0};
  std::string checkpoints;               ///< upstream checkpoints shared with `ptlab deep` ("" = none)
  /// A score calibration (deep_calibration.hpp; shipped: configs/advise/deep_calibration.toml,
  /// fitted on ResNet-8 Fashion-MNIST pairs): the predicted gains become its lines' predictions
  /// from the upstream's transferability score. "" = the probe's own predictions.
  std::string calibration;
};

/// The authors' activation probe, adapted to deep nets (a heuristic of ours, not the paper's): a
/// channel of a block is active on an image when its mean |output| exceeds the block's mean over
/// its channels on that image; channels active on ≥ τ of the downstream training images are
/// selected, and the implied α is their fraction of all channels.
struct DeepActivationProbe {
  struct Block {
    std::string name;
    int channels = 0, active = 0;
  };
  double tau = 0.5;
  int n = 0;                  ///< downstream training images probed (at most 512)
  std::vector<Block> blocks;  ///< blocks below the head, in forward order
  double implied_alpha = 0.0;
};

struct DeepAdviceResult {
  /// The candidates' estimates (scratch first). For a deep candidate, Strategy carries its name,
  /// the scratch flag and its kind for the benchmark's static policies (the channel rule at α with
  /// random channels is Rule::filter at α; others are not plain α); `candidates` says what runs.
  CurveProbe probe;
  std::vector<experiment::DeepSpec> candidates;  ///< per estimate: the spec with its one setting (scratch: α = 0)
  DeepAdviseOptions options;
  DeepActivationProbe activation;  ///< on the first seed's upstream and downstream training images
  Advice advice;
  /// With options.calibration: the calibration used and the feature scores it read (probe.estimates'
  /// gain is then the calibrated prediction, early_gain the probe's own estimate).
  std::optional<DeepCalibration> calibration;
  std::vector<ScoreSummary> scores;
  double wall_s = 0.0;
};

/// The candidates for `spec`: scratch, the α grid (random channels), activation-selected channels,
/// first-k blocks frozen and fine-tuned, L2-SP and shrink-and-perturb, each as the spec of one
/// setting. `blocks_below_head`: the model's blocks before its head. Throws core::InputError for
/// options out of range.
std::vector<experiment::DeepSpec> deep_candidates(const experiment::DeepSpec& spec, const DeepAdviseOptions& options,
                                                  int blocks_below_head, std::vector<Strategy>* strategies = nullptr);

/// Everything advise_deep refuses, checked without training (options, candidates, images per
/// class against the folds, the checkpoint directory): for benchmarks that must fail before hours
/// of work. Throws core::InputError.
void check_deep_advise(const experiment::DeepSpec& spec, const DeepAdviseOptions& options);

/// Probes `spec`'s upstream and downstream training images and decides; with a calibration, the
/// feature scores are computed too (forward passes only) and the probe's gains calibrated. `progress(done, total)`
/// after each probe run. Never reads the downstream test set. Throws core::InputError for options
/// out of range, a class with fewer training images than folds, or a build without LibTorch.
DeepAdviceResult advise_deep(const experiment::DeepSpec& spec, const DeepAdviseOptions& options,
                             const std::function<void(int, int)>& progress = {});

/// `--validate`: the full paired runs of `ptlab deep` for every candidate (experiment::
/// run_deep_candidates, records bit for bit those of run_deep) on the probe's seeds, scored on the
/// test set. `message` gets run_deep's stage lines.
Validation validate_deep(const experiment::DeepSpec& spec, const DeepAdviceResult& advice,
                         const std::function<void(const std::string&)>& message = {});

/// Transferability scores (score/) of the penultimate features (model::deep::Net::features) on
/// (at most 2000 of) the downstream training images, for the upstream net, a fresh net of the
/// same architecture and the norm-matched control (each parameter tensor of the fresh net rescaled
/// to the upstream tensor's norm; Raghu et al. 2019). LEEP and NCE use each net's own head
/// (softmax over the upstream classes) as the source. Seeds spec.seed .. + seeds − 1.
std::vector<ScoreSummary> deep_feature_scores(const experiment::DeepSpec& spec, int seeds,
                                              const std::string& checkpoints = "");

}  // namespace ptlab::advise
