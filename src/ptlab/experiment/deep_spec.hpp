#pragma once
// The validated description of a deep-net transfer experiment (`ptlab deep CONFIG`, DESIGN.md §2):
// upstream training on one class split of a real image data set (or imported weights), then, per
// α and seed, a transfer run and a scratch run on the downstream split. Free of LibTorch, so the
// CLI can parse and validate without it.
#include <cstdint>
#include <string>
#include <vector>

namespace ptlab::experiment {

/// Training of one stage (upstream or downstream).
struct DeepTrainSpec {
  /// "classes": classify `classes`; "rotation" (upstream only): predict which of 0°, 90°, 180°,
  /// 270° each image of `classes` was turned by (the cross-task pretext task, Gidaris et al. 2018).
  std::string task = "classes";
  std::vector<int> classes;   ///< source classes used, relabelled 0 … k−1 in this order
  int per_class = 0;          ///< training images per class (0 = all)
  double label_noise = 0.0;   ///< probability of a wrong label (upstream noise knob), [0, 1)
  double input_noise = 0.0;   ///< σ of Gaussian noise on normalised inputs (upstream noise knob)
  std::string optimizer = "sgd";
  double lr = 0.05;
  double weight_decay = 5e-4;
  int epochs = 5;
  int batch_size = 128;
  bool augment = false;
  int eval_every = 1;         ///< test accuracy every this many epochs (and after the last)
};

struct DeepSpec {
  std::string dataset = "fashion-mnist";  ///< fashion-mnist | idx | cifar10 | cifar100
  std::string dir;                        ///< idx/cifar: the directory of the user's files
  DeepTrainSpec upstream{.classes = {0, 1, 2, 3, 4}, .per_class = 1000, .epochs = 4};
  DeepTrainSpec downstream{.classes = {5, 6, 7, 8, 9}, .per_class = 100, .epochs = 8};
  std::string import_weights;             ///< a weights archive to use instead of upstream training
  std::string arch = "resnet8";
  std::string rule = "channel";           ///< channel | entry | blocks
  /// Channel rule: which ⌊α·C⌋ channels. "random" (seeded) or "activation": the channels whose
  /// outputs in the upstream model are largest on the downstream training images (mean |a|).
  std::string select = "random";
  std::vector<double> alphas = {0.0, 0.25, 0.5, 1.0};  ///< channel/entry rules
  std::vector<int> blocks;                ///< blocks rule: the k values (AnB)
  bool freeze = false;                    ///< keep transferred tensors fixed (AnB; blocks rule only)
  int seeds = 3;
  std::uint64_t seed = 0;
  int threads = 0;                        ///< LibTorch intra-op threads (0 = all cores)
  std::string device = "auto";            ///< auto (CUDA when present) | cpu | cuda
};

/// The canonical TOML text of a spec: every key, fixed order, shortest round-trip numbers;
/// parse_deep_config(deep_canonical_toml(s)) == s.
std::string deep_canonical_toml(const DeepSpec& spec);

/// The id of one deep run's configuration: 16 hex digits of FNV-1a over the canonical TOML with
/// run.seeds, run.seed, run.threads and run.device cleared. A stored deep run is keyed by
/// (deep_run_hash of the spec with its single setting, seed).
std::string deep_run_hash(const DeepSpec& spec);

/// The spec of one setting: alphas = {setting} (channel/entry rules) or blocks = {k}.
DeepSpec at_setting(const DeepSpec& spec, double setting);

/// The spec with `--set section.key=value` overrides applied, validated as a whole.
DeepSpec with_overrides(const DeepSpec& spec, const std::vector<std::string>& overrides);

/// Whether a config file is a deep config: it reads as one (a [sweep] table aside) and not as a
/// theory config. False for unreadable or invalid files (the theory reader then reports them).
bool is_deep_config(const std::string& path);

/// Reads a deep config (TOML). Keys the file omits keep the defaults above. Throws
/// core::InputError (one line naming the file, the key and what was expected).
DeepSpec load_deep_config(const std::string& path, const std::vector<std::string>& overrides = {});
DeepSpec parse_deep_config(const std::string& text, const std::string& source_name);
/// As parse_deep_config, then `--set section.key=value` overrides, validated as a whole.
DeepSpec parse_deep_config(const std::string& text, const std::string& source_name,
                           const std::vector<std::string>& overrides);

}  // namespace ptlab::experiment
