#include "ptlab/dynamics/trajectory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ptlab::dynamics {

std::string to_string(Group group) {
  switch (group) {
    case Group::all: return "all";
    case Group::inherited: return "inherited";
    case Group::fresh: return "fresh";
  }
  return "?";
}

Recorder::Recorder(const DynamicsOptions& options, const data::Dataset& train, std::vector<Eigen::VectorXd> directions,
                   std::vector<std::string> names, Probes probes, Eigen::VectorXd inherited, int filters)
    : options_(options),
      train_(train),
      names_(std::move(names)),
      probes_(std::move(probes)),
      inherited_(std::move(inherited)),
      decomposition_(train, std::move(directions), filters) {}

train::StepObserver Recorder::observer() {
  return [this](const train::StepView& view) { observe(view); };
}

void Recorder::observe(const train::StepView& view) {
  if (options_.every > 0 && (view.C == nullptr || view.step % options_.every == 0)) checkpoint(view);
  decomposition_.update(view);
}

namespace {

// Mean and extreme of values over a set of rows.
struct Acc {
  double sum = 0.0, extreme = 0.0;
  long long n = 0;
  bool take_min = false;
  void add(double x) {
    if (n == 0) extreme = x;
    else extreme = take_min ? std::min(extreme, x) : std::max(extreme, x);
    sum += x;
    ++n;
  }
};

}  // namespace

void Recorder::checkpoint(const train::StepView& view) {
  const Coefficients& c = decomposition_.coefficients();
  const model::Weights W = view.weights();
  const Eigen::Index rows = W.rows();
  const Eigen::Index m = rows / 2;
  const Eigen::VectorXd wu = W * probes_.u, wv1 = W * probes_.v1, wv2 = W * probes_.v2;
  const int P = train_.P;

  std::vector<Group> groups = {Group::all};
  if (inherited_.size() == rows) {
    if ((inherited_.array() == 1.0).any()) groups.push_back(Group::inherited);
    if ((inherited_.array() == 0.0).any()) groups.push_back(Group::fresh);
  }
  for (const Group g : groups) {
    const auto in_group = [&](Eigen::Index r) {
      return g == Group::all || (g == Group::inherited ? inherited_(r) == 1.0 : inherited_(r) == 0.0);
    };
    std::vector<Acc> gamma(names_.size());
    Acc rho_bar, rho_under{.take_min = true}, pu, pv1, pv2, noise;
    for (Eigen::Index r = 0; r < rows; ++r) {
      if (!in_group(r)) continue;
      const double j = r < m ? 1.0 : -1.0;
      for (std::size_t s = 0; s < names_.size(); ++s) gamma[s].add(j * c.gamma(r, static_cast<Eigen::Index>(s)));
      for (Eigen::Index i = 0; i < c.rho.cols(); ++i) {
        rho_bar.add(std::max(c.rho(r, i), 0.0));
        rho_under.add(std::min(c.rho(r, i), 0.0));
      }
      pu.add(j * wu(r));
      pv1.add(j * wv1(r));
      pv2.add(j * wv2(r));
      double best = -std::numeric_limits<double>::infinity();
      for (Eigen::Index i = 0; i < train_.n(); ++i) best = std::max(best, view.A(r, i * P + P - 1));
      noise.add(best);
    }
    const auto push = [&](const std::string& q, const Acc& a) {
      out_.summary.push_back({view.step, g, q, a.n ? a.sum / static_cast<double>(a.n) : 0.0, a.extreme});
    };
    for (std::size_t s = 0; s < names_.size(); ++s) push(names_[s], gamma[s]);
    push("rho_bar", rho_bar);
    push("rho_under", rho_under);
    push("proxy_u", pu);
    push("proxy_v1", pv1);
    push("proxy_v2", pv2);
    push("noise_max", noise);
  }
  if (options_.full) out_.full.push_back(c);
}

PhaseDynamics Recorder::take() {
  out_.exact = decomposition_.exact();
  return std::move(out_);
}

std::string summary_csv_header() { return "seed,phase,step,group,quantity,mean,extreme\n"; }

void append_summary_csv(std::string& out, std::uint64_t seed, const std::string& phase, const PhaseDynamics& d) {
  for (const SummaryRow& r : d.summary)
    out += fmt::format("{},{},{},{},{},{:.10g},{:.10g}\n", seed, phase, r.step, to_string(r.group), r.quantity,
                       r.mean, r.extreme);
}

std::string full_csv_header() { return "seed,phase,step,class,filter,coefficient,index,value\n"; }

void append_full_csv(std::string& out, std::uint64_t seed, const std::string& phase, const PhaseDynamics& d,
                     const std::vector<std::string>& names) {
  for (const Coefficients& c : d.full) {
    const Eigen::Index m = c.scale.size() / 2;
    for (Eigen::Index r = 0; r < c.scale.size(); ++r) {
      const int j = r < m ? 1 : -1;
      const Eigen::Index filter = r < m ? r : r - m;
      out += fmt::format("{},{},{},{},{},scale,0,{:.17g}\n", seed, phase, c.step, j, filter, c.scale(r));
      for (Eigen::Index s = 0; s < c.gamma.cols(); ++s)
        out += fmt::format("{},{},{},{},{},{},0,{:.17g}\n", seed, phase, c.step, j, filter,
                           names[static_cast<std::size_t>(s)], c.gamma(r, s));
      for (Eigen::Index i = 0; i < c.rho.cols(); ++i)
        out += fmt::format("{},{},{},{},{},rho,{},{:.17g}\n", seed, phase, c.step, j, filter, i, c.rho(r, i));
    }
  }
}

}  // namespace ptlab::dynamics
