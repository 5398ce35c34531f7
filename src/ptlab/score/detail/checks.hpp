#pragma once
// Input checks shared by the scores (docs/design.md §7: bad input is a core::InputError whose
// what() is one line naming the score, the argument and what was expected).
#include <Eigen/Dense>
#include <span>
#include <string_view>
#include <vector>

namespace ptlab::score::detail {

/// Target labels mapped onto the classes present: `index[i]` ∈ [0, count) is the rank of y_i
/// among the distinct values of y, so a label set with gaps ({0, 2}) behaves as {0, 1}.
struct Classes {
  std::vector<int> index;   ///< N class indices
  std::vector<int> size;    ///< count entries: samples per class
  std::vector<int> values;  ///< count entries: the original label of each class, ascending
  int count() const { return static_cast<int>(size.size()); }
};

/// Throws InputError unless F is non-empty and finite. `score` and `name` prefix the message.
void check_features(std::string_view score,
                    std::string_view name,
                    const Eigen::Ref<const Eigen::MatrixXd>& F);

/// Throws InputError unless y is non-empty, non-negative and has `rows` entries (one per sample).
void check_labels(std::string_view score, std::string_view name, std::span<const int> y, Eigen::Index rows);

/// check_labels, then maps y onto its classes; throws InputError when fewer than two are present.
Classes target_classes(std::string_view score,
                       std::span<const int> y,
                       Eigen::Index rows,
                       std::string_view name = "labels");

/// Class means (count × D) and the prior n_c / N of each class (count).
void class_means(const Eigen::Ref<const Eigen::MatrixXd>& F,
                 const Classes& classes,
                 Eigen::MatrixXd& means,
                 Eigen::VectorXd& priors);

}  // namespace ptlab::score::detail
