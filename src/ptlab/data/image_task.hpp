#pragma once
// Upstream and downstream tasks cut from a real image data set (docs/design.md §3): which source
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

/// The rotation-prediction pretext task (Gidaris et al. 2018, "Unsupervised representation
/// learning by predicting image rotations"): each image of `images` is turned by k · 90°
/// counter-clockwise with k drawn uniformly from {0, 1, 2, 3} by `rng`, and labelled k. The class
/// labels of `images` are ignored; `classes` of the result is 4. It gives the cross-task pair of
/// docs/design.md §3: a self-supervised upstream task, a classification downstream task. Throws
/// core::InputError for non-square images.
ImageSet rotation_task(const ImageSet& images, core::Rng& rng);

/// A stratified validation split: of each label's images (in `set` order), ⌊fraction·n_label⌋
/// drawn without replacement by `rng` go to `val`, the rest stay in `train` in their order. Both
/// keep `set`'s classes and shape. fraction 0 returns `set` whole and an empty `val`, drawing
/// nothing. Throws core::InputError for a fraction outside [0, 1).
struct TrainVal {
  ImageSet train, val;
};
TrainVal split_validation(const ImageSet& set, double fraction, core::Rng& rng);

/// `image` (c × h × h, one image of an ImageSet) turned by k · 90° counter-clockwise.
std::vector<std::uint8_t> rotate90(const std::uint8_t* image, int channels, int size, int k);

}  // namespace ptlab::data
