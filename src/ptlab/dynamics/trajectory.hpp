#pragma once
// γ/ρ trajectories of one training phase, checkpointed every k steps with bounded memory:
// summaries by default (mean and extreme over filters, and over training samples for ρ), for all
// filters and, after transfer, for inherited and fresh filters apart; the full coefficients only on
// request. Definitions: dynamics/decomposition.hpp and docs/design.md §2.4.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "ptlab/dynamics/decomposition.hpp"

namespace ptlab::dynamics {

struct DynamicsOptions {
  int every = 50;     ///< checkpoint every k GD steps and at the last step; 0 = off
  bool full = false;  ///< also keep the full coefficients (2m × (S + n + 1) doubles per checkpoint)
};

/// Which filters a summary row covers.
enum class Group { all, inherited, fresh };
std::string to_string(Group group);

/// One summarised quantity at one checkpoint. Quantities (class-signed: j·x for filters of class j):
///   gamma[_u|_v]  j·γ^s over filters              mean, max
///   rho_bar       ρ̄ = max(ρ, 0) over filters × samples   mean, max
///   rho_under     ρ̲ = min(ρ, 0) over filters × samples   mean, min
///   proxy_u, proxy_v1, proxy_v2   j·⟨w, u⟩, j·⟨w, v_1⟩, j·⟨w, v_2⟩ over filters   mean, max
///   noise_max     max_i ⟨w, ξ_i⟩ per filter, over filters   mean, max
struct SummaryRow {
  int step = 0;
  Group group = Group::all;
  std::string quantity;
  double mean = 0.0;
  double extreme = 0.0;  ///< max, or min for rho_under
};

/// The trajectory of one phase.
struct PhaseDynamics {
  std::vector<SummaryRow> summary;
  std::vector<Coefficients> full;  ///< per checkpoint, when requested
  bool exact = true;               ///< false if an entry-wise freeze mask broke the decomposition
  bool empty() const { return summary.empty(); }
};

/// The directions the proxies probe: u, v_1 and v_2 (each d).
struct Probes {
  Eigen::VectorXd u, v1, v2;
};

/// Records one phase's trajectory from GD's observer calls.
class Recorder {
 public:
  /// `inherited`: 2m flags (1 = filter copied whole from upstream, 0 = fresh, other = mixed); empty
  /// for a phase without transfer (only the group "all" is recorded). `filters` = 2m. `train` must
  /// outlive the recorder.
  Recorder(const DynamicsOptions& options, const data::Dataset& train, std::vector<Eigen::VectorXd> directions,
           std::vector<std::string> names, Probes probes, Eigen::VectorXd inherited, int filters);

  /// The observer to pass to train::gradient_descent.
  train::StepObserver observer();
  void observe(const train::StepView& view);
  const Decomposition& decomposition() const { return decomposition_; }
  /// Moves the recorded trajectory out.
  PhaseDynamics take();

 private:
  void checkpoint(const train::StepView& view);

  DynamicsOptions options_;
  const data::Dataset& train_;
  std::vector<std::string> names_;
  Probes probes_;
  Eigen::VectorXd inherited_;
  Decomposition decomposition_;
  PhaseDynamics out_;
};

/// CSV of summaries: header `seed,phase,step,group,quantity,mean,extreme`, one line per row.
std::string summary_csv_header();
void append_summary_csv(std::string& out, std::uint64_t seed, const std::string& phase, const PhaseDynamics& d);
/// CSV of full coefficients: header `seed,phase,step,class,filter,coefficient,index,value`;
/// coefficient ∈ {scale, gamma[_u|_v], rho} (index = training sample for rho, else 0).
std::string full_csv_header();
void append_full_csv(std::string& out, std::uint64_t seed, const std::string& phase, const PhaseDynamics& d,
                     const std::vector<std::string>& names);

}  // namespace ptlab::dynamics
