#pragma once
// The validated description of a deep-net transfer experiment (`ptlab deep CONFIG`, docs/design.md §3):
// upstream training on one class split of a real image data set (or imported weights), then, per
// α and seed, a transfer run and a scratch run on the downstream split. Free of LibTorch, Eigen
// and the theory spec, so the CLI can parse and validate without them.
//
// One schema (deep_config.cpp) lists every key once with its type, range, default and comment; it
// drives parsing and validation, `--set`, did-you-mean for unknown keys, the canonical text (and so
// the run hash), the key types of sweep axes and `ptlab config --default --deep`.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ptlab/experiment/key_bounds.hpp"
#include "ptlab/train/deep/options.hpp"

namespace ptlab::experiment {

enum class DeepDataset { fashion_mnist, idx, cifar10, cifar100, folder, opencv_digits, sklearn_digits };
enum class DeepArch { resnet8, resnet20, resnet18, vgg11, vgg16, vit };
enum class DeepStem {
  small,     ///< 3 × 3 stride-1 conv, BatchNorm, ReLU (small images; every architecture)
  imagenet,  ///< torchvision's: 7 × 7 stride-2 conv, BatchNorm, ReLU, 3 × 3 stride-2 max-pool (resnet18)
};
enum class DeepRule {
  channel,  ///< ⌊α·C⌋ output channels of every tensor
  entry,    ///< a random fraction α of the entries of every tensor
  blocks,   ///< the first k blocks whole (AnB)
};
enum class DeepSelect {
  random,      ///< seeded
  activation,  ///< the channels most active on the downstream training images
};
enum class DeepDevice { automatic, cpu, cuda };
/// Which epoch of a downstream run its reported accuracies come from.
enum class DeepEpochChoice {
  last,  ///< the last epoch
  val,   ///< the evaluated epoch of highest validation accuracy (the first of ties): early stopping
};
enum class DeepTask {
  classes,   ///< classify the stage's classes
  rotation,  ///< predict the quarter turn of each image (upstream only)
};

/// The config spelling of each value of an enum, indexed by the enumerator: DeepNames<E>::names.
template <class E>
struct DeepNames;
template <>
struct DeepNames<DeepDataset> {
  static constexpr std::array<std::string_view, 7> names = {"fashion-mnist", "idx",    "cifar10",       "cifar100",
                                                            "folder",        "opencv-digits", "sklearn-digits"};
};
template <>
struct DeepNames<DeepArch> {
  static constexpr std::array<std::string_view, 6> names = {"resnet8", "resnet20", "resnet18", "vgg11", "vgg16", "vit"};
};
template <>
struct DeepNames<DeepStem> {
  static constexpr std::array<std::string_view, 2> names = {"small", "imagenet"};
};
template <>
struct DeepNames<DeepRule> {
  static constexpr std::array<std::string_view, 3> names = {"channel", "entry", "blocks"};
};
template <>
struct DeepNames<DeepSelect> {
  static constexpr std::array<std::string_view, 2> names = {"random", "activation"};
};
template <>
struct DeepNames<DeepDevice> {
  static constexpr std::array<std::string_view, 3> names = {"auto", "cpu", "cuda"};
};
template <>
struct DeepNames<DeepEpochChoice> {
  static constexpr std::array<std::string_view, 2> names = {"last", "val"};
};
template <>
struct DeepNames<DeepTask> {
  static constexpr std::array<std::string_view, 2> names = {"classes", "rotation"};
};
template <>
struct DeepNames<train::deep::Optimizer> {
  static constexpr auto names = train::deep::kOptimizerNames;
};

/// The config name of an enum value, e.g. to_string(DeepArch::vit) == "vit" (what model::deep's
/// ModelSpec::arch takes). Throws std::out_of_range for a value outside the enum.
template <class E>
  requires requires { DeepNames<E>::names; }
std::string to_string(E value) {
  return std::string(DeepNames<E>::names.at(static_cast<std::size_t>(value)));
}

/// The enum value a config name spells; nullopt for any other text (case-sensitive).
template <class E>
  requires requires { DeepNames<E>::names; }
std::optional<E> deep_enum(std::string_view name) {
  for (std::size_t i = 0; i < DeepNames<E>::names.size(); ++i)
    if (DeepNames<E>::names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

/// Training of one stage (upstream or downstream): the trainer's options (optimizer, lr,
/// weight_decay, epochs, batch_size, augment, input_noise, eval_every are config keys, and l2sp
/// under [downstream] only; momentum
/// and cosine keep the trainer's defaults; seed is set per run by run_deep) plus what the stage
/// trains on.
struct DeepTrainSpec : train::deep::TrainOptions {
  /// classes: classify `classes`; rotation (upstream only): predict which of 0°, 90°, 180°, 270°
  /// each image of `classes` was turned by (the cross-task pretext task, Gidaris et al. 2018).
  DeepTask task = DeepTask::classes;
  std::vector<int> classes;   ///< source classes used, relabelled 0 … k−1 in this order; ≥ 2, distinct, in [0, 99]
  int per_class = 0;          ///< training images per class (0 = all)
  double label_noise = 0.0;   ///< probability of a wrong label (upstream noise knob), [0, 1)
  /// Downstream only: the fraction of each class's training images held out as a validation set
  /// (⌊f·n_c⌋ per class, drawn with the stage's stream), [0, 0.9]; 0 = none. Both runs of a pair
  /// train on the rest and are evaluated on it every evaluated epoch.
  double val_fraction = 0.0;
  /// Downstream only: which epoch's accuracies a run reports (val needs val_fraction > 0).
  DeepEpochChoice select_epoch = DeepEpochChoice::last;

  friend bool operator==(const DeepTrainSpec&, const DeepTrainSpec&) = default;
};

/// A stage's defaults: the trainer's, with these classes, images per class and epochs.
inline DeepTrainSpec deep_stage(std::vector<int> classes, int per_class, int epochs) {
  DeepTrainSpec t;
  t.classes = std::move(classes);
  t.per_class = per_class;
  t.epochs = epochs;
  return t;
}

struct DeepSpec {
  DeepDataset dataset = DeepDataset::fashion_mnist;
  std::string dir;                        ///< idx/cifar/folder: the directory of the user's files (required)
  /// Cross-dataset transfer: the downstream stage's data set (nullopt = data.dataset) and its
  /// directory (as data.dir). downstream.classes then index this data set's classes.
  std::optional<DeepDataset> downstream_dataset;
  std::string downstream_dir;
  int size = 0;                           ///< resize every image to size × size pixels (0 = as stored)
  int channels = 0;                       ///< convert to 1 (grey) or 3 (RGB) channels (0 = as stored)
  DeepTrainSpec upstream = deep_stage({0, 1, 2, 3, 4}, 1000, 4);
  DeepTrainSpec downstream = deep_stage({5, 6, 7, 8, 9}, 100, 8);
  std::string import_weights;             ///< a weights archive to use instead of upstream training
  DeepArch arch = DeepArch::resnet8;
  /// The ResNet-18 stem: small, or imagenet (torchvision's, so that its resnet18 weights import
  /// whole, transfer.import). ModelSpec::stem.
  DeepStem stem = DeepStem::small;
  DeepRule rule = DeepRule::channel;
  /// Channel rule: which ⌊α·C⌋ channels. random (seeded) or activation: the channels whose
  /// outputs in the upstream model are largest on the downstream training images (mean |a|).
  DeepSelect select = DeepSelect::random;
  std::vector<double> alphas = {0.0, 0.25, 0.5, 1.0};  ///< channel/entry rules; distinct, in [0, 1]
  std::vector<int> blocks;                ///< blocks rule: the k values (AnB); distinct
  bool freeze = false;                    ///< keep transferred tensors fixed (AnB; blocks rule only)
  /// Shrink and perturb (Ash & Adams 2020) of the inherited parameter entries: each becomes
  /// shrink·w_upstream + perturb·w_fresh (w_fresh: the scratch run's initial value). (1, 0) is
  /// plain inheritance; BatchNorm running statistics are copied as they are.
  double shrink = 1.0;                    ///< in [0, 1]
  double perturb = 0.0;                   ///< in [0, 100]
  /// The norm-matched random control (Raghu et al. 2019, "Mean Var" init): every inherited
  /// parameter entry is redrawn from N(m, s²), m and s the mean and standard deviation of that
  /// tensor's inherited upstream entries; BatchNorm running statistics are not inherited. Keeps
  /// the scale of the upstream weights and drops their features.
  bool norm_matched = false;
  int seeds = 3;
  std::uint64_t seed = 0;
  int threads = 0;                        ///< LibTorch intra-op threads (0 = all cores)
  DeepDevice device = DeepDevice::automatic;  ///< auto (CUDA when present) | cpu | cuda

  friend bool operator==(const DeepSpec&, const DeepSpec&) = default;
};

/// The canonical TOML text of a spec: every key of the schema, fixed order, shortest round-trip
/// numbers; parse_deep_config(deep_canonical_toml(s)) == s. Keys added later (downstream.l2sp,
/// data.size, model.stem, …) are left out at their defaults, so earlier configs keep their run hash. With `comments`, each key carries its
/// comment and allowed values (what `ptlab config --default --deep` prints); the values are the same.
std::string deep_canonical_toml(const DeepSpec& spec, bool comments = false);

/// The id of one deep run's configuration: 16 hex digits of FNV-1a (with the basis of
/// core/hash.hpp, not the standard one) over the canonical TOML with run.seeds, run.seed,
/// run.threads and run.device cleared. A stored deep run is keyed by (deep_run_hash of the spec
/// with its single setting, seed).
std::string deep_run_hash(const DeepSpec& spec);

/// The closed range of an integer key of the deep schema (e.g. "run.seeds"), for command-line
/// options that set it. A path that is not an integer key is a programming error (PTLAB_ASSERT).
IntegerBounds deep_integer_key_bounds(const std::string& path);

/// The spec of one setting: alphas = {setting} (channel/entry rules) or blocks = {k}.
DeepSpec at_setting(const DeepSpec& spec, double setting);

/// The settings a grid point runs, in config order: transfer.blocks (as numbers) for the blocks
/// rule, transfer.alphas otherwise. The one place that knows which list a rule uses.
std::vector<double> deep_settings(const DeepSpec& spec);

/// The key a setting is recorded under: "transfer.k" (blocks rule) or "transfer.alpha".
std::string deep_setting_key(const DeepSpec& spec);

/// The spec with `--set section.key=value` overrides applied, validated as a whole. Throws
/// core::InputError for an unknown key (with a did-you-mean) or a value the key rejects.
DeepSpec with_overrides(const DeepSpec& spec, const std::vector<std::string>& overrides);

/// Whether a config file is a deep config: it reads as one (a [sweep] table aside) and not as a
/// theory config. False for unreadable or invalid files (the theory reader then reports them).
bool is_deep_config(const std::string& path);

/// Reads a deep config (TOML). Keys the file omits keep the defaults above; relative paths are
/// resolved (with_paths_resolved). Throws core::InputError (one line "FILE:LINE: key: expected …",
/// or "unknown key" with a did-you-mean).
DeepSpec load_deep_config(const std::string& path, const std::vector<std::string>& overrides = {});
/// The spec with its relative paths (data.dir, data.downstream_dir, transfer.import) made absolute:
/// against the directory of the config file at `config_path` when the file gave them, against the
/// working directory when an `--set` in `overrides` did. So a config runs the same from any
/// directory, and the config.toml that `ptlab deep --out` writes runs from its folder.
DeepSpec with_paths_resolved(DeepSpec spec, const std::string& config_path, const std::vector<std::string>& overrides);
DeepSpec parse_deep_config(const std::string& text, const std::string& source_name);
/// As parse_deep_config, then `--set section.key=value` overrides, validated as a whole (an error
/// at a key set there names its argument, "--set KEY=VALUE: KEY: expected …"; others the file's line).
DeepSpec parse_deep_config(const std::string& text, const std::string& source_name,
                           const std::vector<std::string>& overrides);

/// What a deep config key holds.
enum class DeepKeyKind { integer, number, boolean, choice, text, integer_list, number_list };

struct DeepKeyInfo {
  std::string path;  ///< "section.name"
  DeepKeyKind kind;
};

/// Every key of the deep schema, in canonical order (the train keys once under [upstream], once
/// under [downstream]).
const std::vector<DeepKeyInfo>& deep_config_keys();

/// The deep key closest to a misspelt one (edit distance on the path or its last part), if any is
/// close enough: deep_key_suggestion("upstream.epohcs") == "upstream.epochs".
std::optional<std::string> deep_key_suggestion(const std::string& path);

}  // namespace ptlab::experiment
