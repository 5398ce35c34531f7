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
};

struct DeepSpec {
  std::string dataset = "fashion-mnist";  ///< fashion-mnist | idx | cifar10 | cifar100
  std::string dir;                        ///< idx/cifar: the directory of the user's files
  DeepTrainSpec upstream{.classes = {0, 1, 2, 3, 4}, .per_class = 1000, .epochs = 4};
  DeepTrainSpec downstream{.classes = {5, 6, 7, 8, 9}, .per_class = 100, .epochs = 8};
  std::string import_weights;             ///< a weights archive to use instead of upstream training
  std::string arch = "resnet8";
  std::string rule = "channel";           ///< channel | entry | blocks
  std::vector<double> alphas = {0.0, 0.25, 0.5, 1.0};  ///< channel/entry rules
  std::vector<int> blocks;                ///< blocks rule: the k values (AnB)
  bool freeze = false;                    ///< keep transferred tensors fixed (AnB; blocks rule only)
  int seeds = 3;
  std::uint64_t seed = 0;
  int threads = 0;                        ///< LibTorch intra-op threads (0 = all cores)
};

/// Reads a deep config (TOML). Keys the file omits keep the defaults above. Throws
/// core::InputError (one line naming the file, the key and what was expected).
DeepSpec load_deep_config(const std::string& path, const std::vector<std::string>& overrides = {});
DeepSpec parse_deep_config(const std::string& text, const std::string& source_name);

}  // namespace ptlab::experiment
