#pragma once
// Closed-form quantities of the theory model and candidate transfer indicators.
//
// Known results (Cao et al. 2022, arXiv 2202.06526; Kou et al. 2023, arXiv 2303.04145), in the
// standard formulation of docs/design.md §2.5: SNR = ‖μ‖/(σ_p·√d); training from scratch generalises
// (test error → p) when n‖μ‖⁴ ≳ σ_p⁴·d and fails when n‖μ‖⁴ ≲ σ_p⁴·d. The constants are not
// given by those papers in a usable form: the verdicts below compare the ratio with 1, an
// order-of-magnitude boundary, and say so.
//
// The transfer indicators are OUR HYPOTHESES, not the paper's (whose exact result is not public).
// docs/theory.md derives each one; `ptlab verify` measures how well each separates positive from
// negative transfer in simulation.
#include <string>
#include <vector>

#include "ptlab/experiment/spec.hpp"

namespace ptlab::theory {

/// The scalars of a config that the theory is about. Signal energy per sample: the signal patches
/// of task k together carry ‖μ_k‖² = ‖u‖² + ‖v_k‖² (shared layout: one patch μ_k = u + v_k).
struct Inputs {
  double alpha = 0.0;                  ///< inheritance ratio α (1 for the layer rule)
  double n1 = 0.0, n2 = 0.0;           ///< training samples per task
  double norm_u = 0.0;                 ///< ‖u‖
  double norm_v1 = 0.0, norm_v2 = 0.0; ///< ‖v_1‖, ‖v_2‖
  double cos_theta = 0.0;              ///< cos θ between v_1 and v_2
  double sigma_p1 = 0.0, sigma_p2 = 0.0;
  double d = 0.0;
  double T1 = 0.0, T2 = 0.0;           ///< GD steps upstream and downstream
  double mu1_sq() const { return norm_u * norm_u + norm_v1 * norm_v1; }
  double mu2_sq() const { return norm_u * norm_u + norm_v2 * norm_v2; }
  /// ⟨μ_1, μ_2⟩ = ‖u‖² + ‖v_1‖‖v_2‖cos θ: the signal the upstream model learned that the
  /// downstream task also uses.
  double mu12() const { return norm_u * norm_u + norm_v1 * norm_v2 * cos_theta; }
};
Inputs inputs_of(const experiment::ExperimentSpec& spec);

/// One task's scratch-training regime.
struct TaskRegime {
  double snr = 0.0;        ///< ‖μ_k‖/(σ_{p,k}·√d)
  double kou_ratio = 0.0;  ///< n_k‖μ_k‖⁴/(σ_{p,k}⁴·d); +inf when σ_p = 0
  bool benign = false;     ///< kou_ratio ≥ 1 (order-of-magnitude boundary; constants unknown)
};
TaskRegime task_regime(double n, double mu_sq, double sigma_p, double d);

/// A candidate indicator: larger values are hypothesised to mean more positive transfer (more
/// negative NTG); `threshold` is the value its derivation predicts for NTG = 0 (NaN if none).
struct Indicator {
  std::string name;
  std::string formula;  ///< as printed
  double (*value)(const Inputs&);
  double threshold;
};
/// The candidates, documented in docs/theory.md (all hypotheses).
const std::vector<Indicator>& indicators();

/// How well an indicator separates positive (NTG < 0) from negative (NTG > 0) transfer.
struct Separation {
  int positive = 0, negative = 0;  ///< points of each kind used
  double auc = 0.0;                ///< P(value of a positive point > value of a negative point), ties ½
  double threshold = 0.0;          ///< fitted: maximises balanced accuracy of "value > threshold ⇒ positive"
  double balanced_accuracy = 0.0;  ///< at the fitted threshold
  double predicted_accuracy = 0.0; ///< balanced accuracy at the indicator's own predicted threshold (NaN if none)
};
/// `values` and `positive` (true = positive transfer) of equal length; NaN values are skipped.
/// Mismatched lengths are a programming error (PTLAB_ASSERT aborts). With no point of one kind,
/// auc is NaN.
Separation separate(const std::vector<double>& values, const std::vector<bool>& positive,
                    double predicted_threshold);

}  // namespace ptlab::theory
