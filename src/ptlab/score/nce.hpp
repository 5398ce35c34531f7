#pragma once
// NCE (see score.hpp for the data layout and the input checks every score makes).
#include <span>
#include <utility>
#include <vector>

namespace ptlab::score {

/// Hard source labels z_i (N integers ≥ 0): the source model's predicted class of each target
/// sample. A distinct type from TargetLabels, with explicit constructors, so that `nce` cannot be
/// called with its two label vectors swapped: `nce(TargetLabels{y}, SourceLabels{z})`, `nce({z},
/// {y})` and `nce(z, y)` do not compile.
class SourceLabels {
 public:
  explicit SourceLabels(std::vector<int> labels) : labels_(std::move(labels)) {}
  explicit SourceLabels(std::span<const int> labels) : labels_(labels.begin(), labels.end()) {}
  std::span<const int> values() const { return labels_; }

 private:
  std::vector<int> labels_;
};

/// Target labels y_i (N integers ≥ 0, at least two classes present). See SourceLabels.
class TargetLabels {
 public:
  explicit TargetLabels(std::vector<int> labels) : labels_(std::move(labels)) {}
  explicit TargetLabels(std::span<const int> labels) : labels_(labels.begin(), labels.end()) {}
  std::span<const int> values() const { return labels_; }

 private:
  std::vector<int> labels_;
};

/// NCE, the negative conditional entropy of the target labels given the source labels:
///
///   NCE = −H(Y | Z) = Σ_{y,z} P̂(y, z)·log(P̂(y, z) / P̂(z)),   P̂ the empirical joint of (y_i, z_i).
///
/// Arguments in the order (source, target). The score is not symmetric: NCE(z, y) = −H(Y|Z) and
/// the swapped call would compute −H(Z|Y), a different number (for z = {0,0,1,1}, y = {0,1,2,2}:
/// −½·log 2 against 0). The NCE numbers of the LogME paper's tables reproduce only when its code is
/// called with the source and target labels swapped (thuml/LogME#14); the strong types make that
/// mistake a compile error.
///
/// @param source N hard source labels z_i; one source class is allowed (then NCE = −H(Y)).
/// @param target N target labels y_i.
/// @return NCE in nats, ≤ 0; 0 exactly when y is a function of z.
/// @throws core::InputError empty labels, a negative label, sizes that differ, or target labels
///   with one class.
///
/// Source: Tran et al., ICCV 2019 (arXiv 1908.08142): the conditional entropy H(Y | Z) of the
/// target labels given the source labels, whose negative is the NCE transferability score.
double nce(const SourceLabels& source, const TargetLabels& target);

}  // namespace ptlab::score
