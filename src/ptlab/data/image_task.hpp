#pragma once
// Upstream and downstream tasks cut from a real image data set (DESIGN.md §2): which source
// classes a task uses and how they are relabelled, how many training images per class it keeps,
// and the upstream label-noise knob. Input noise and augmentation act on tensors in the deep half.
#include <cstdint>
#include <vector>

#include "ptlab/core/rng.hpp"
#include "ptlab/data/images.hpp"

namespace ptlab::data {

struct ImageTaskOptions {
  /// Source class → task label; −1 drops the class. E.g. Fashion-MNIST upstream {0,1,2,3,4,-1,…}
  /// (classes 0–4), downstream {-1,…,-1,0,1,2,3,4} (classes 5–9 relabelled 0–4). Must have one
  /// entry per source class and at least two distinct labels.
  std::vector<int> label_map;
  int per_class = 0;         ///< images kept per task label, drawn without replacement (0 = all)
  double label_noise = 0.0;  ///< probability that a kept image's label is replaced by a uniformly
                             ///< drawn *other* label, in [0, 1)
};

/// The class-split map: classes [first, first + count) → labels 0 … count−1, others dropped.
std::vector<int> class_split(int classes, int first, int count);

/// Cuts a task out of `source`. Per task label the images are chosen uniformly without
/// replacement from `rng` (the same rng and options always pick the same images); the result
/// keeps the source order. `classes` of the result is the number of task labels. Throws
/// core::InputError for a map of the wrong length, fewer than two task labels, a label out of
/// [0, count), a task label with fewer than per_class images, or label_noise outside [0, 1).
ImageSet make_image_task(const ImageSet& source, const ImageTaskOptions& options, core::Rng& rng);

}  // namespace ptlab::data
