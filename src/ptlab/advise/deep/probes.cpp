// The deep probes of `ptlab advise` and `ptlab score` (advise/deep_advise.hpp), with LibTorch.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep/stage.hpp"
#include "ptlab/experiment/deep_run.hpp"

namespace ptlab::advise {
namespace {

namespace xd = experiment::deep;
using experiment::DeepSpec;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The images idx of `set`, in that order.
data::ImageSet subset(const data::ImageSet& set, const std::vector<int>& idx) {
  data::ImageSet out = set;
  const std::size_t bytes = static_cast<std::size_t>(set.channels) * set.height * set.width;
  out.n = static_cast<int>(idx.size());
  out.pixels.assign(idx.size() * bytes, 0);
  out.labels.clear();
  for (std::size_t k = 0; k < idx.size(); ++k) {
    std::copy_n(set.pixels.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(idx[k]) * bytes), bytes,
                out.pixels.begin() + static_cast<std::ptrdiff_t>(k * bytes));
    out.labels.push_back(set.labels[static_cast<std::size_t>(idx[k])]);
  }
  return out;
}

// Class-stratified folds: the i-th image of each class (in set order) goes to fold i mod k.
std::vector<int> fold_of(const data::ImageSet& set, int folds) {
  std::vector<int> seen(static_cast<std::size_t>(set.classes), 0), out;
  for (const int y : set.labels) out.push_back(seen[static_cast<std::size_t>(y)]++ % folds);
  for (int c = 0; c < set.classes; ++c)
    PTLAB_CHECK(seen[static_cast<std::size_t>(c)] >= folds,
                fmt::format("advise: downstream task label {} has {} training image{}, too few to split into {} folds; "
                            "expected at least {} per class (a larger downstream.per_class or fewer --folds)",
                            c, seen[static_cast<std::size_t>(c)], seen[static_cast<std::size_t>(c)] == 1 ? "" : "s",
                            folds, folds));
  return out;
}

int blocks_below_head(const DeepSpec& spec, const xd::StageData& data) {
  const auto net = model::deep::make_model(xd::model_spec(spec, data, 2));
  return static_cast<int>(net->blocks().names.size()) - 1;
}

// Training images of one full paired run (upstream unless imported, transfer and scratch).
double full_run_images(const DeepSpec& spec, const xd::StageData& data) {
  const double down = static_cast<double>(xd::stage_images(data.downstream(), spec.downstream)) * spec.downstream.epochs;
  const double up = spec.import_weights.empty()
                        ? static_cast<double>(xd::stage_images(data.upstream(), spec.upstream)) * spec.upstream.epochs
                        : 0.0;
  return up + 2.0 * down;
}

DeepActivationProbe activation_probe(model::deep::Net& upstream, const data::ImageSet& train, double tau,
                                     const torch::Device& device) {
  torch::NoGradGuard no_grad;
  DeepActivationProbe p;
  p.tau = tau;
  p.n = std::min(512, train.n);
  const auto x = train::deep::to_tensor(train).slice(0, 0, p.n).to(device);
  upstream.eval();
  const auto outputs = upstream.block_outputs(x);
  const auto names = upstream.blocks().names;
  int total = 0, selected = 0;
  for (std::size_t b = 0; b < outputs.size() && b < names.size(); ++b) {
    // N × C: each channel's mean |output| over its positions.
    auto a = outputs[b].abs();
    if (a.dim() > 2) a = a.flatten(2).mean(2);
    const auto active = (a > a.mean(1, true)).to(torch::kFloat).mean(0);  // fraction of images, per channel
    const int channels = static_cast<int>(active.size(0));
    const int on = static_cast<int>((active >= tau - 1e-12).sum().item<std::int64_t>());
    p.blocks.push_back({names[b], channels, on});
    total += channels;
    selected += on;
  }
  p.implied_alpha = total > 0 ? static_cast<double>(selected) / total : 0.0;
  return p;
}

}  // namespace

std::vector<DeepSpec> deep_candidates(const DeepSpec& spec, const DeepAdviseOptions& o, int below_head,
                                      std::vector<Strategy>* strategies) {
  for (const double a : o.alphas)
    PTLAB_CHECK(a > 0.0 && a <= 1.0, fmt::format("advise: alpha {}; expected each α of the grid in (0, 1]", a));
  PTLAB_CHECK(o.activation_alpha >= 0.0 && o.activation_alpha <= 1.0,
              fmt::format("advise: activation alpha {}; expected a value in [0, 1] (0: no such candidate)", o.activation_alpha));
  PTLAB_CHECK(o.tau > 0.0 && o.tau <= 1.0, fmt::format("advise: tau = {}; expected a value in (0, 1]", o.tau));
  PTLAB_CHECK(o.blocks >= -1 && o.blocks <= below_head,
              fmt::format("advise: blocks = {}; expected −1 (half), 0 (none) or up to {} (the blocks below the head of {})",
                          o.blocks, below_head, experiment::to_string(spec.arch)));
  PTLAB_CHECK(o.l2sp >= 0.0 && std::isfinite(o.l2sp), fmt::format("advise: l2sp = {}; expected a value ≥ 0", o.l2sp));
  PTLAB_CHECK(o.shrink <= 1.0 && o.perturb >= 0.0 && o.perturb <= 100.0,
              fmt::format("advise: shrink {} / perturb {}; expected shrink in [0, 1] and perturb in [0, 100]", o.shrink,
                          o.perturb));
  // Every candidate starts from the config's spec with its transfer settings reset.
  DeepSpec base = spec;
  base.rule = experiment::DeepRule::channel;
  base.select = experiment::DeepSelect::random;
  base.blocks.clear();
  base.freeze = false;
  base.shrink = 1.0;
  base.perturb = 0.0;
  base.downstream.l2sp = 0.0;
  std::vector<DeepSpec> out;
  std::vector<Strategy> names;
  const auto add = [&](const std::string& name, DeepSpec s, Strategy kind) {
    kind.name = name;
    out.push_back(std::move(s));
    names.push_back(std::move(kind));
  };
  const auto alpha = [&](double a) {
    DeepSpec s = base;
    s.alphas = {a};
    return s;
  };
  add("scratch", alpha(0.0), {"", true, {}});
  for (const double a : o.alphas) add(fmt::format("alpha={:g} random", a), alpha(a), {"", false, {.rule = transfer::Rule::filter, .alpha = a}});
  if (o.activation_alpha > 0.0) {
    DeepSpec s = alpha(o.activation_alpha);
    s.select = experiment::DeepSelect::activation;
    add(fmt::format("alpha={:g} activation", o.activation_alpha), s, {"", false, {.rule = transfer::Rule::activation}});
  }
  const int k = o.blocks < 0 ? (below_head + 1) / 2 : o.blocks;
  if (k > 0)
    for (const bool freeze : {true, false}) {
      DeepSpec s = base;
      s.rule = experiment::DeepRule::blocks;
      s.alphas = {0.0, 0.25, 0.5, 1.0};  // the config default: unused by the blocks rule
      s.blocks = {k};
      s.freeze = freeze;
      add(fmt::format("first {} blocks {}", k, freeze ? "frozen" : "fine-tuned"), s,
          {"", false, {.rule = transfer::Rule::layer, .alpha = 1.0, .freeze = freeze}});
    }
  if (o.l2sp > 0.0) {
    DeepSpec s = alpha(1.0);
    s.downstream.l2sp = o.l2sp;
    add(fmt::format("L2-SP lambda={:g}", o.l2sp), s, {"", false, {.rule = transfer::Rule::layer, .alpha = 1.0}, o.l2sp});
  }
  if (o.shrink > 0.0) {
    DeepSpec s = alpha(1.0);
    s.shrink = o.shrink;
    s.perturb = o.perturb;
    add(fmt::format("shrink-perturb {:g}/{:g}", o.shrink, o.perturb), s,
        {"", false, {.rule = transfer::Rule::layer, .alpha = 1.0, .shrink = o.shrink, .perturb = o.perturb}});
  }
  if (strategies != nullptr) *strategies = std::move(names);
  return out;
}

namespace {

// Every downstream class has at least `need` training images (refused before anything trains).
void check_per_class(const DeepSpec& spec, const xd::StageData& stages, int need, const std::string& what) {
  const data::TrainTest& data = stages.downstream();
  for (const int label : spec.downstream.classes) {
    const auto images = spec.downstream.per_class > 0
                            ? static_cast<std::int64_t>(spec.downstream.per_class)
                            : std::count(data.train.labels.begin(), data.train.labels.end(), label);
    PTLAB_CHECK(images >= need,
                fmt::format("{}: downstream class {} has {} training image{}, {}; expected at least {} per class (a "
                            "larger downstream.per_class{})", what == "score" ? "score" : "advise", label, images,
                            images == 1 ? "" : "s", what, need, what == "score" ? "" : " or fewer --folds"));
  }
}

void check_options(const DeepAdviseOptions& options) {
  const CurveProbeOptions& o = options.curve;
  PTLAB_CHECK(o.folds >= 2, fmt::format("advise: folds = {}; expected an integer ≥ 2", o.folds));
  PTLAB_CHECK(o.budget > 0.0 && o.budget <= 1.0,
              fmt::format("advise: budget = {}; expected a fraction of the steps in (0, 1]", o.budget));
  PTLAB_CHECK(o.seeds >= 1, fmt::format("advise: seeds = {}; expected an integer ≥ 1", o.seeds));
  PTLAB_CHECK(o.points >= 3, fmt::format("advise: points = {}; expected an integer ≥ 3", o.points));
  PTLAB_CHECK(o.max_cost > 0.0 && std::isfinite(o.max_cost),
              fmt::format("advise: max_cost = {}; expected a positive fraction of one full paired run", o.max_cost));
  PTLAB_CHECK(options.rule.level >= 0.5 && options.rule.level < 1.0,
              fmt::format("advise: level = {}; expected a confidence level in [0.5, 1)", options.rule.level));
  PTLAB_CHECK(std::isfinite(options.rule.margin),
              fmt::format("advise: margin = {}; expected a finite number of points", options.rule.margin));
  for (std::size_t i = 0; i < options.alphas.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      PTLAB_CHECK(options.alphas[i] != options.alphas[j],
                  fmt::format("advise: alpha {} twice in the grid; expected distinct values", options.alphas[i]));
}

// The calibration file, read and matched against the candidates before any training.
std::optional<DeepCalibration> check_calibration(const DeepAdviseOptions& options, const std::vector<Strategy>& strategies) {
  if (options.calibration.empty()) return std::nullopt;
  DeepCalibration c = load_deep_calibration(options.calibration);
  for (const Strategy& s : strategies) {
    if (s.scratch) continue;
    const bool found = std::any_of(c.lines.begin(), c.lines.end(), [&](const auto& l) { return l.candidate == s.name; });
    PTLAB_CHECK(found, fmt::format("advise: {} has no line for the candidate \"{}\"; expected a calibration fitted with "
                                   "the same candidates (the same --alphas, --activation-alpha, --blocks, --l2sp, --shrink, "
                                   "--perturb)", options.calibration, s.name));
  }
  return c;
}

}  // namespace

void check_deep_advise(const DeepSpec& spec, const DeepAdviseOptions& options) {
  check_options(options);
  experiment::check_checkpoints(options.checkpoints);
  const xd::StageData data = xd::load(spec);
  std::vector<Strategy> strategies;
  deep_candidates(spec, options, blocks_below_head(spec, data), &strategies);
  check_calibration(options, strategies);
  check_per_class(spec, data, options.curve.folds, fmt::format("too few to split into {} folds", options.curve.folds));
}

DeepAdviceResult advise_deep(const DeepSpec& spec, const DeepAdviseOptions& options,
                             const std::function<void(int, int)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  const CurveProbeOptions& o = options.curve;
  check_options(options);
  experiment::check_checkpoints(options.checkpoints);
  train::deep::set_threads(spec.threads);
  const torch::Device device = xd::resolve_device(spec.device);
  const xd::StageData data = xd::load(spec);
  check_per_class(spec, data, o.folds, fmt::format("too few to split into {} folds", o.folds));
  DeepAdviceResult r;
  r.options = options;
  std::vector<Strategy> strategies;
  r.candidates = deep_candidates(spec, options, blocks_below_head(spec, data), &strategies);
  r.calibration = check_calibration(options, strategies);
  const std::size_t S = r.candidates.size();

  // The schedule of a probe run: the full run's on the k − 1 training folds, stopped early.
  const int n2 = static_cast<int>(xd::stage_images(data.downstream(), spec.downstream));
  const int classes = static_cast<int>(spec.downstream.classes.size());
  const int n_fit = n2 - n2 / o.folds;
  const int bs = spec.downstream.batch_size;
  const int batches = (n_fit + bs - 1) / bs;
  const int T = batches * spec.downstream.epochs;
  // The smallest fold's schedule (stratification can hold out up to one image per class more).
  const int n_fit_min = std::max(1, n_fit - classes);
  const int T_min = (n_fit_min + bs - 1) / bs * spec.downstream.epochs;
  const double per_step = static_cast<double>(S) * o.folds * static_cast<double>(n_fit) / batches;
  const double paired = full_run_images(spec, data);
  const int wanted = static_cast<int>(std::ceil(o.budget * T));
  const int affordable = static_cast<int>(std::min(1e9, std::floor(o.max_cost * paired / per_step)));
  const int budget_steps = std::min(T_min, std::max(o.points, std::min(wanted, affordable)));
  // prefix: the first budget_steps of the full schedule; compressed: a whole schedule of as many
  // epochs as fit in them (at least one).
  const bool compressed = options.schedule == DeepSchedule::compressed;
  const int probe_epochs = std::max(1, budget_steps / batches);
  const int steps = compressed ? probe_epochs * batches : budget_steps;
  const int every = std::max(1, steps / o.points);
  const int points = std::max(1, std::min(o.points, steps / every));
  r.probe.probe_steps = compressed ? steps : every * points;
  r.probe.full_steps = T;
  r.probe.capped = affordable < wanted;

  std::vector<std::vector<double>> early(S), full(S);
  const int total = o.seeds * o.folds * static_cast<int>(S);
  int done = 0;
  for (int k = 0; k < o.seeds; ++k) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(k);
    const xd::Upstream upstream = xd::prepare_upstream(spec, data, seed, device, options.checkpoints);
    // The downstream training images only: the stage's test part is never read.
    const data::ImageSet train = xd::downstream_stage(spec, data, seed).train;
    if (k == 0) r.activation = activation_probe(*upstream.net, train, options.tau, device);
    const std::vector<int> fold = fold_of(train, o.folds);
    std::vector<std::vector<double>> curve_sum(S, std::vector<double>(static_cast<std::size_t>(points), 0.0));
    std::vector<int> curve_n(S, 0);
    for (int f = 0; f < o.folds; ++f) {
      std::vector<int> fit_idx, held_idx;
      for (int i = 0; i < train.n; ++i) (fold[static_cast<std::size_t>(i)] == f ? held_idx : fit_idx).push_back(i);
      const data::ImageSet fit = subset(train, fit_idx), held = subset(train, held_idx);
      const torch::Tensor held_x = train::deep::to_tensor(held).to(device);
      const torch::Tensor held_y = torch::tensor(held.labels, torch::kLong).to(device);
      // Channel selection reads the images the probe trains on, never the held-out fold.
      std::map<experiment::DeepSelect, std::map<std::string, torch::Tensor>> scores;
      for (std::size_t s = 0; s < S; ++s) {
        const DeepSpec& cand = r.candidates[s];
        auto model = xd::fresh_downstream(spec, data, train.classes, seed, device);
        std::vector<train::deep::Anchor> anchors;
        if (!strategies[s].scratch) {
          if (!scores.contains(cand.select)) scores[cand.select] = xd::selection_scores(cand, *upstream.net, fit, device);
          auto inherited = xd::inherit(cand, experiment::deep_settings(cand).front(), upstream.source, *model, seed,
                                       scores[cand.select]);
          anchors = std::move(inherited.anchors);
        }
        train::deep::TrainOptions t = xd::downstream_options(spec, seed);
        t.l2sp = cand.downstream.l2sp;
        if (compressed) t.epochs = probe_epochs;
        else t.stop_after_steps = r.probe.probe_steps;
        t.eval_every = std::numeric_limits<int>::max();  // the held-out fold is scored below, at the checkpoints
        std::vector<double> e;
        int step = 0;
        const auto at_step = [&](int, int b, int nb) {
          ++step;
          r.probe.probe_cost += b < nb ? bs : fit.n - (nb - 1) * bs;
          if (step % every == 0 && static_cast<int>(e.size()) < points - 1) {
            e.push_back(1.0 - train::deep::accuracy(*model, held_x, held_y));
            model->train();
          }
        };
        // The trainer's own evaluation (once, where it stops) sees the held-out fold, not the test set.
        train::deep::train_model(*model, fit, held, t, at_step, anchors);
        e.push_back(1.0 - train::deep::accuracy(*model, held_x, held_y));  // the last point: where training ended
        if (static_cast<int>(e.size()) == points && std::all_of(e.begin(), e.end(), [](double v) { return std::isfinite(v); })) {
          for (int j = 0; j < points; ++j) curve_sum[s][static_cast<std::size_t>(j)] += e[static_cast<std::size_t>(j)];
          ++curve_n[s];
        }
        if (progress) progress(++done, total);
      }
    }
    for (std::size_t s = 0; s < S; ++s) {
      if (curve_n[s] == 0) {
        early[s].push_back(kNaN);
        full[s].push_back(kNaN);
        continue;
      }
      std::vector<double> t, e;
      for (int j = 0; j < points; ++j) {
        t.push_back(every * (j + 1.0));
        e.push_back(curve_sum[s][static_cast<std::size_t>(j)] / curve_n[s]);
      }
      early[s].push_back(e.back());
      // compressed: the short schedule's final error is the prediction (no extrapolation).
      full[s].push_back(compressed || r.probe.probe_steps >= T || points < 3
                            ? e.back()
                            : std::clamp(fit_power_law(t, e).at(T), 0.0, 1.0));
    }
    r.probe.full_run_cost += paired;
  }
  for (std::size_t s = 0; s < S; ++s) {
    std::vector<double> g, ge;
    double mean_full = 0.0;
    for (int k = 0; k < o.seeds; ++k) {
      const auto K = static_cast<std::size_t>(k);
      const double gk = 100.0 * (full[0][K] - full[s][K]), ek = 100.0 * (early[0][K] - early[s][K]);
      if (std::isfinite(gk)) g.push_back(gk);
      if (std::isfinite(ek)) ge.push_back(ek);
      mean_full += full[s][K] / o.seeds;
    }
    r.probe.estimates.push_back({strategies[s], experiment::summarize(g), experiment::summarize(ge), mean_full});
  }
  if (r.calibration) {
    r.scores = deep_feature_scores(spec, o.seeds, options.checkpoints);
    std::vector<std::string> names;
    std::vector<double> minus_fresh;
    for (const auto& sc : r.scores) {
      names.push_back(sc.name);
      minus_fresh.push_back(sc.minus_fresh.mean);
    }
    r.probe = calibrate(r.probe, names, minus_fresh, *r.calibration);
  }
  r.advice = decide(r.probe, options.rule);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::vector<ScoreSummary> deep_feature_scores(const DeepSpec& spec, int seeds, const std::string& checkpoints) {
  PTLAB_CHECK(seeds >= 1, fmt::format("score: seeds = {}; expected an integer ≥ 1", seeds));
  experiment::check_checkpoints(checkpoints);
  train::deep::set_threads(spec.threads);
  const torch::Device device = xd::resolve_device(spec.device);
  const xd::StageData data = xd::load(spec);
  // Within-class spread (H-score, SFDA) needs two images of every class.
  check_per_class(spec, data, 2, "too few for the class-covariance scores");
  const auto names = score_names();
  std::vector<std::array<std::vector<double>, kInits>> values(names.size());
  for (int k = 0; k < seeds; ++k) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(k);
    const xd::Upstream upstream = xd::prepare_upstream(spec, data, seed, device, checkpoints);
    data::ImageSet train = xd::downstream_stage(spec, data, seed).train;
    if (train.n > 2000) {
      std::vector<int> first(2000);
      for (int i = 0; i < 2000; ++i) first[static_cast<std::size_t>(i)] = i;
      train = subset(train, first);
    }
    PTLAB_CHECK(train.n >= 3, fmt::format("score: {} downstream training images; expected at least 3 to score", train.n));
    PTLAB_CHECK(std::any_of(train.labels.begin(), train.labels.end(), [&](int y) { return y != train.labels.front(); }),
                fmt::format("score: the {} downstream training images of seed {} are all of one class; expected two or "
                            "more classes", train.n, seed));
    // Fresh: the upstream architecture (its head) at the downstream init stream; norm-matched: the
    // fresh tensors rescaled to the upstream ones' norms (a zero-norm fresh tensor stays as it is).
    const int up_classes = xd::upstream_stage(spec, data, seed).train.classes;
    auto fresh = xd::fresh(xd::model_spec(spec, data, up_classes), seed, core::Stream::downstream_init, device);
    auto matched = xd::fresh(xd::model_spec(spec, data, up_classes), seed, core::Stream::downstream_init, device);
    {
      torch::NoGradGuard no_grad;
      const auto up_params = upstream.net->named_parameters();
      for (auto& p : matched->named_parameters()) {
        const auto* u = up_params.find(p.key());
        if (u == nullptr || u->sizes() != p.value().sizes()) continue;
        const double fn = p.value().norm().item<double>(), un = u->norm().item<double>();
        if (fn > 0.0) p.value().mul_(un / fn);
      }
    }
    const torch::Tensor x = train::deep::to_tensor(train).to(device);
    std::array<model::deep::Net*, kInits> nets{upstream.net.get(), fresh.get(), matched.get()};
    for (int i = 0; i < kInits; ++i) {
      torch::NoGradGuard no_grad;
      auto& net = *nets[static_cast<std::size_t>(i)];
      net.eval();
      std::vector<torch::Tensor> feats, probs;
      for (std::int64_t b = 0; b < x.size(0); b += 256) {
        const auto xb = x.slice(0, b, std::min<std::int64_t>(b + 256, x.size(0)));
        const auto f = net.features(xb);
        feats.push_back(f);
        probs.push_back(torch::softmax(net.forward(xb), 1));
      }
      const auto F = torch::cat(feats).to(torch::kCPU).to(torch::kDouble).contiguous();
      const auto P = torch::cat(probs).to(torch::kCPU).to(torch::kDouble).contiguous();
      ScoreInputs in;
      in.F = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          F.data_ptr<double>(), F.size(0), F.size(1));
      in.theta = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          P.data_ptr<double>(), P.size(0), P.size(1));
      for (Eigen::Index r = 0; r < in.theta.rows(); ++r) {
        Eigen::Index arg = 0;
        in.theta.row(r).maxCoeff(&arg);
        in.z.push_back(static_cast<int>(arg));
      }
      in.y = train.labels;
      PTLAB_CHECK(in.F.allFinite(), fmt::format("score: the {} features of seed {} are not finite; expected a model "
                                                "whose training stayed finite", i == 0 ? "upstream" : i == 1 ? "fresh" : "norm-matched", seed));
      const auto v = score_values(in);
      for (std::size_t s = 0; s < v.size(); ++s) values[s][static_cast<std::size_t>(i)].push_back(v[s]);
    }
  }
  return summarize_scores(values);
}

}  // namespace ptlab::advise
