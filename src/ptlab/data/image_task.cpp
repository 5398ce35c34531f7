#include "ptlab/data/image_task.hpp"

#include <cmath>

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "ptlab/core/error.hpp"

namespace ptlab::data {

std::vector<int> class_split(int classes, int first, int count) {
  if (first < 0 || count < 2 || first + count > classes)
    throw core::InputError(fmt::format("class split {}..{} of {} classes; expected at least two classes inside [0, {})",
                                       first, first + count - 1, classes, classes));
  std::vector<int> map(static_cast<std::size_t>(classes), -1);
  for (int c = 0; c < count; ++c) map[static_cast<std::size_t>(first + c)] = c;
  return map;
}

ImageSet make_image_task(const ImageSet& source, const ImageTaskOptions& options, core::Rng& rng) {
  const auto& map = options.label_map;
  if (static_cast<int>(map.size()) != source.classes)
    throw core::InputError(fmt::format("label map of {} entries; expected one per source class ({})", map.size(),
                                       source.classes));
  const std::set<int> labels(map.begin(), map.end());
  const int count = static_cast<int>(std::count_if(labels.begin(), labels.end(), [](int l) { return l >= 0; }));
  for (const int l : map)
    if (l < -1 || l >= count)
      throw core::InputError(fmt::format("label map entry {}; expected -1 (drop) or a task label in [0, {}) with no "
                                         "gaps", l, count));
  if (count < 2) throw core::InputError("label map keeps fewer than two task labels; expected at least two");
  if (!(options.label_noise >= 0.0 && options.label_noise < 1.0))
    throw core::InputError(fmt::format("label noise {}; expected a probability in [0, 1)", options.label_noise));
  if (options.per_class < 0)
    throw core::InputError(fmt::format("per-class count {}; expected ≥ 0 (0 = all)", options.per_class));

  // Candidates per task label, in source order; then a partial Fisher–Yates draw of per_class.
  std::vector<std::vector<int>> by_label(static_cast<std::size_t>(count));
  for (int i = 0; i < source.n; ++i) {
    const int l = map[static_cast<std::size_t>(source.labels[static_cast<std::size_t>(i)])];
    if (l >= 0) by_label[static_cast<std::size_t>(l)].push_back(i);
  }
  std::vector<int> keep;
  for (int l = 0; l < count; ++l) {
    auto& pool = by_label[static_cast<std::size_t>(l)];
    const int want = options.per_class > 0 ? options.per_class : static_cast<int>(pool.size());
    if (want > static_cast<int>(pool.size()))
      throw core::InputError(fmt::format("task label {} has {} images; expected at least per_class = {}", l, pool.size(),
                                         want));
    for (int k = 0; k < want; ++k) {
      const auto j = static_cast<std::size_t>(k) + rng.below(pool.size() - static_cast<std::size_t>(k));
      std::swap(pool[static_cast<std::size_t>(k)], pool[j]);
    }
    keep.insert(keep.end(), pool.begin(), pool.begin() + want);
  }
  std::sort(keep.begin(), keep.end());

  ImageSet out;
  out.n = static_cast<int>(keep.size());
  out.channels = source.channels;
  out.height = source.height;
  out.width = source.width;
  out.classes = count;
  const std::size_t size = source.image_size();
  out.pixels.reserve(keep.size() * size);
  for (const int i : keep) {
    const auto at = source.pixels.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * size);
    out.pixels.insert(out.pixels.end(), at, at + static_cast<std::ptrdiff_t>(size));
    int label = map[static_cast<std::size_t>(source.labels[static_cast<std::size_t>(i)])];
    if (options.label_noise > 0.0 && rng.uniform() < options.label_noise) {
      const int other = static_cast<int>(rng.below(static_cast<std::uint64_t>(count - 1)));
      label = other >= label ? other + 1 : other;  // uniform over the other count − 1 labels
    }
    out.labels.push_back(label);
  }
  return out;
}

std::vector<std::uint8_t> rotate90(const std::uint8_t* image, int channels, int size, int k) {
  const auto n = static_cast<std::size_t>(size);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(channels) * n * n);
  for (int c = 0; c < channels; ++c) {
    const std::uint8_t* in = image + static_cast<std::size_t>(c) * n * n;
    std::uint8_t* o = out.data() + static_cast<std::size_t>(c) * n * n;
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t col = 0; col < n; ++col) {
        // Counter-clockwise by 90°: output (r, col) takes input (col, n−1−r); k times.
        std::size_t sr = r, sc = col;
        for (int t = 0; t < (k % 4 + 4) % 4; ++t) {
          const std::size_t nr = sc, nc = n - 1 - sr;
          sr = nr;
          sc = nc;
        }
        o[r * n + col] = in[sr * n + sc];
      }
  }
  return out;
}

ImageSet rotation_task(const ImageSet& images, core::Rng& rng) {
  if (images.height != images.width)
    throw core::InputError(fmt::format("rotation task: images of {} × {}; expected square images", images.height,
                                       images.width));
  ImageSet out = images;
  out.classes = 4;
  const std::size_t size = images.image_size();
  for (int i = 0; i < images.n; ++i) {
    const int k = static_cast<int>(rng.below(4));
    const auto at = static_cast<std::size_t>(i) * size;
    const auto turned = rotate90(images.pixels.data() + at, images.channels, images.height, k);
    std::copy(turned.begin(), turned.end(), out.pixels.begin() + static_cast<std::ptrdiff_t>(at));
    out.labels[static_cast<std::size_t>(i)] = k;
  }
  return out;
}

TrainVal split_validation(const ImageSet& set, double fraction, core::Rng& rng) {
  if (!(fraction >= 0.0 && fraction < 1.0))
    throw core::InputError(fmt::format("validation fraction {}; expected a number in [0, 1)", fraction));
  TrainVal out{set, set};
  out.val.n = 0;
  out.val.pixels.clear();
  out.val.labels.clear();
  if (fraction == 0.0) return out;
  std::vector<std::vector<int>> by_label(static_cast<std::size_t>(std::max(set.classes, 0)));
  for (int i = 0; i < set.n; ++i) {
    const int label = set.labels[static_cast<std::size_t>(i)];
    if (label >= static_cast<int>(by_label.size())) by_label.resize(static_cast<std::size_t>(label) + 1);
    by_label[static_cast<std::size_t>(label)].push_back(i);
  }
  std::vector<char> held(static_cast<std::size_t>(set.n), 0);
  for (auto& images : by_label) {
    const auto k = static_cast<std::size_t>(std::floor(fraction * static_cast<double>(images.size())));
    // The first k of a seeded partial Fisher–Yates shuffle of the label's images.
    for (std::size_t j = 0; j < k; ++j) {
      std::swap(images[j], images[j + rng.below(images.size() - j)]);
      held[static_cast<std::size_t>(images[j])] = 1;
    }
  }
  out.train.n = 0;
  out.train.pixels.clear();
  out.train.labels.clear();
  const std::size_t size = set.image_size();
  for (int i = 0; i < set.n; ++i) {
    ImageSet& to = held[static_cast<std::size_t>(i)] ? out.val : out.train;
    const auto at = set.pixels.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * size);
    to.pixels.insert(to.pixels.end(), at, at + static_cast<std::ptrdiff_t>(size));
    to.labels.push_back(set.labels[static_cast<std::size_t>(i)]);
    ++to.n;
  }
  return out;
}

}  // namespace ptlab::data
