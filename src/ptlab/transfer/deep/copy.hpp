#pragma once
// Parameter transfer between torch modules (docs/design.md §3): parameters and buffers (BatchNorm
// running statistics included) are matched by name, shapes are checked, and a rule decides which
// part of each matched tensor is copied. Returns a per-tensor report of what was copied.
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ptlab/model/deep/models.hpp"

namespace ptlab::transfer::deep {

/// A name → tensor map: parameters and buffers of a module ("stage1.0.bn1.running_mean", …).
using State = std::map<std::string, torch::Tensor>;

enum class Rule {
  channel,  ///< per tensor, ⌊α·C⌋ of its C output channels (dim 0; the last dimension when dim 0
            ///< is a broadcast 1, as in a ViT's class token); tensors of one block with the same C
            ///< share the channel choice, so a conv and its BatchNorm move together
  entry,    ///< each entry with probability α
  blocks,   ///< the first k blocks whole (Yosinski et al. 2014: AnB frozen, AnB⁺ fine-tuned)
  all,      ///< every matched tensor whole (α = 1 of the channel rule)
};

struct Options {
  Rule rule = Rule::channel;
  double alpha = 0.5;         ///< channel and entry rules, in [0, 1]
  int blocks = 0;             ///< blocks rule: how many blocks, from the input side
  bool copy_head = false;     ///< also transfer "head.*" (only meaningful when the label sets agree)
  std::uint64_t seed = 0;     ///< the choice of channels and entries
  /// Channel rule, activation-based selection: block name → one score per output channel of the
  /// block (channel_scores()). A tensor of a scored block whose dim 0 has as many channels takes
  /// the ⌊α·C⌋ channels of highest score; other tensors fall back to the seeded random choice
  /// (said in the report). Empty: every choice is random.
  std::map<std::string, torch::Tensor> scores;
};

/// What happened to one target tensor.
struct TensorReport {
  std::string name;
  std::vector<std::int64_t> shape;
  std::int64_t copied = 0;  ///< entries copied
  std::int64_t total = 0;
  std::string note;         ///< "head: not copied", "shape mismatch …", "not in source", …
  /// Which entries were copied: a float 0/1 tensor of the target's shape on its device, or
  /// undefined when none was (the L2-SP anchor mask).
  torch::Tensor inherited;
};

struct Report {
  std::vector<TensorReport> tensors;        ///< every target tensor, in name order
  std::vector<std::string> unmatched_source;  ///< source names with no target tensor
  std::vector<std::string> mis_shaped;        ///< names whose shapes differ (never copied)
  std::int64_t copied() const;
  std::int64_t total() const;
  /// One line per tensor: name, shape, copied/total, note.
  std::string text() const;
};

/// The parameters and buffers of a module, detached, by name.
State state_of(const torch::nn::Module& module);

/// Copies from `source` into `target` in place (no autograd). `blocks` names the target's blocks
/// in forward order (model::deep::Net::blocks()); a tensor belongs to the first block that
/// prefixes its name followed by '.'. Throws core::InputError for α outside [0, 1] or k outside
/// [0, number of blocks].
Report transfer(const State& source, torch::nn::Module& target, const model::deep::Blocks& blocks, const Options& options);

/// Activation scores for channel selection: the mean |output| of each channel of each block of
/// `model` (eval mode, no gradients) on the images x (N × C × H × W), keyed by block name.
std::map<std::string, torch::Tensor> channel_scores(model::deep::Net& model, const torch::Tensor& x);

/// Saves parameters and buffers as a name → tensor archive (torch::pickle_save). Python reads it
/// with torch.load(path).
void save_state(const torch::nn::Module& module, const std::string& path);
/// Reads an archive written by save_state or by Python's torch.save(model.state_dict(), path)
/// (an OrderedDict or a dict; pickle_dicts.hpp makes the OrderedDict readable by LibTorch 1.13),
/// or a training checkpoint whose entries include exactly one name → tensor dictionary (e.g.
/// torch.save({'epoch': e, 'state_dict': model.state_dict()}, path)): that dictionary is read.
/// Throws core::InputError naming the file if it is missing, not such an archive, or a checkpoint
/// with no or several state_dicts.
State load_state(const std::string& path);

/// A weights archive to import (transfer.import), its tensors under ptlab's names.
struct Archive {
  State state;
  bool torchvision = false;  ///< read as torchvision's ResNet layout: names mapped (torchvision.hpp)
  std::string note;          ///< how the names were read otherwise, e.g. a "module." prefix removed; "" if as saved
};

/// load_state; when every name starts with "module." (nn.DataParallel), that prefix removed; then,
/// when the names are in torchvision's ResNet layout (is_torchvision_resnet), each name mapped to
/// ptlab's (from_torchvision_resnet). Throws as load_state.
Archive load_archive(const std::string& path);

}  // namespace ptlab::transfer::deep
