#pragma once
#include <vector>

namespace ptlab::experiment {

/// Summary of one metric over seeds.
struct Stat {
  int n = 0;           ///< number of values
  double mean = 0.0;
  double std = 0.0;    ///< sample standard deviation (n − 1 denominator); NaN when n < 2
  double ci_low = 0.0; ///< 95% confidence interval of the mean: mean ∓ t_{0.975, n−1}·std/√n
  double ci_high = 0.0;///< (Student t); NaN when n < 2
};

/// Mean, standard deviation and the two-sided 95% Student-t confidence interval of the mean.
/// An empty input gives n = 0 and NaN everywhere.
Stat summarize(const std::vector<double>& values);

/// What the 95% CI of NTG = err_transfer − err_scratch says (NTG < 0: transfer helps).
enum class Verdict {
  undetermined,     ///< fewer than 2 values, or no finite CI
  helps,            ///< CI entirely below 0: positive transfer
  hurts,            ///< CI entirely above 0: negative transfer
  not_significant,  ///< CI contains 0
};

/// The one verdict rule of every table, figure and report: from the CI of an NTG summary.
Verdict ntg_verdict(const Stat& ntg);

/// Short name for tables: "helps", "hurts", "n.s." or "?".
const char* verdict_short(Verdict v);

/// Sentence for run summaries: "positive transfer", "negative transfer", "no significant
/// difference" or "undetermined (fewer than 2 valid seeds)".
const char* verdict_text(Verdict v);

/// Quantile of Student's t distribution with `dof` degrees of freedom (Boost.Math).
double student_t_quantile(double probability, double dof);

}  // namespace ptlab::experiment
