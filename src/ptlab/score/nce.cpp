#include "ptlab/score/nce.hpp"

#include <cmath>
#include <map>
#include <utility>

#include "ptlab/score/detail/checks.hpp"

namespace ptlab::score {

double nce(const SourceLabels& source, const TargetLabels& target) {
  const std::span<const int> z = source.values();
  const std::span<const int> y = target.values();
  detail::check_labels("nce", "source labels", z, static_cast<Eigen::Index>(z.size()));
  const detail::Classes classes =
      detail::target_classes("nce", y, static_cast<Eigen::Index>(z.size()), "target labels");
  // Counts, not probabilities: Σ n_yz·log(n_yz/n_z) / N is the same sum with one division.
  // A map, because source labels may be sparse (indices of a 10⁴-class head).
  std::map<std::pair<int, int>, double> joint;
  std::map<int, double> marginal;
  for (std::size_t i = 0; i < z.size(); ++i) {
    joint[{z[i], classes.index[i]}] += 1.0;
    marginal[z[i]] += 1.0;
  }
  double sum = 0.0;
  for (const auto& [key, n_yz] : joint) sum += n_yz * std::log(n_yz / marginal[key.first]);
  return sum / static_cast<double>(z.size());
}

}  // namespace ptlab::score
