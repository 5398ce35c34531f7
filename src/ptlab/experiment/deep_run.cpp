// The deep-net transfer experiment (LibTorch). Declared torch-free in experiment/deep_run.hpp.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/experiment/deep/stage.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "ptlab/store/checkpoint.hpp"
#include "ptlab/transfer/deep/copy.hpp"

namespace ptlab::experiment {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The classes of a stage exist and have per_class training images each.
void check_stage(const data::TrainTest& data, const DeepTrainSpec& t, const std::string& stage, const std::string& dataset) {
  for (const int c : t.classes) {
    if (c >= data.train.classes)
      throw core::InputError(fmt::format("{}.classes: class {}; expected classes below {} ({} has {})", stage, c,
                                         data.train.classes, dataset, data.train.classes));
    const auto available = std::count(data.train.labels.begin(), data.train.labels.end(), c);
    if (t.per_class > available)
      throw core::InputError(fmt::format("{}.per_class = {}: class {} has {} training images; expected at most that "
                                         "(0 = all)", stage, t.per_class, c, available));
  }
}

std::int64_t stage_batches(std::int64_t images, const DeepTrainSpec& t) {
  return (images + t.batch_size - 1) / t.batch_size * t.epochs;
}

// What the paired runs of a candidate may differ in from the base: the transfer settings and
// downstream.l2sp (which scratch, having no anchors, ignores). Everything else is shared.
bool shares_runs(const DeepSpec& base, const DeepSpec& c) {
  DeepSpec x = c;
  x.rule = base.rule;
  x.select = base.select;
  x.alphas = base.alphas;
  x.blocks = base.blocks;
  x.freeze = base.freeze;
  x.shrink = base.shrink;
  x.perturb = base.perturb;
  x.norm_matched = base.norm_matched;
  x.downstream.l2sp = base.downstream.l2sp;
  x.downstream.probe_epochs = base.downstream.probe_epochs;
  x.downstream.block_lr = base.downstream.block_lr;
  return x == base;
}

// What a transfer run does beyond its rule and setting, for its log line (", linear probe"; "" for
// plain inheritance), so that candidates of one setting can be told apart in a log.
std::string variant(const DeepSpec& c) {
  std::string out;
  if (c.norm_matched) out += ", norm-matched";
  if (c.shrink != 1.0 || c.perturb != 0.0) out += fmt::format(", shrink {:g} perturb {:g}", c.shrink, c.perturb);
  if (c.downstream.l2sp > 0) out += fmt::format(", L2-SP {:g}", c.downstream.l2sp);
  if (c.downstream.probe_epochs > 0)
    out += c.downstream.probe_epochs == c.downstream.epochs ? std::string(", linear probe")
                                                            : fmt::format(", LP-FT {}", c.downstream.probe_epochs);
  if (!c.downstream.block_lr.empty()) out += ", lr factors per block";
  if (c.select == DeepSelect::activation) out += ", most active channels";
  if (c.freeze) out += ", frozen";
  return out;
}

// A record's index among the candidates, in the order the runs finish.
struct Indexed {
  std::size_t candidate;
  DeepRecord record;
};

// The experiment: per seed, the upstream once, scratch once, then each pending candidate
// (a spec with one setting). skip(seed, candidate) leaves a run out.
std::vector<Indexed> run_settings(const DeepSpec& spec, const std::vector<DeepSpec>& candidates, const DeepRunOptions& options,
                                  const std::function<bool(std::uint64_t, std::size_t)>& skip, DeepResult& result) {
  const auto say = [&](const std::string& m) {
    if (options.message) options.message(m);
  };
  result.threads = train::deep::set_threads(spec.threads);
  const torch::Device device = deep::resolve_device(spec.device);
  result.device = device.is_cuda() ? "cuda" : "cpu";
  const deep::StageData data = deep::load(spec);

  // What each seed has to do, and the batches that makes (for the progress display).
  std::vector<std::vector<std::size_t>> pending(static_cast<std::size_t>(spec.seeds));
  std::int64_t total = 0, done = 0;
  const std::int64_t up_batches = stage_batches(deep::stage_images(data.upstream(), spec.upstream), spec.upstream);
  const std::int64_t down_batches = stage_batches(deep::stage_images(data.downstream(), spec.downstream), spec.downstream);
  for (int s = 0; s < spec.seeds; ++s) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(s);
    for (std::size_t c = 0; c < candidates.size(); ++c)
      if (!skip || !skip(seed, c)) pending[static_cast<std::size_t>(s)].push_back(c);
    if (pending[static_cast<std::size_t>(s)].empty()) continue;
    const bool upstream_ready = !spec.import_weights.empty() ||
                                (!options.checkpoints.empty() && present(store::checkpoint_of(spec, options.checkpoints, seed).weights));
    total += (upstream_ready ? 0 : up_batches) + down_batches * static_cast<std::int64_t>(1 + pending[static_cast<std::size_t>(s)].size());
  }
  const auto batch_progress = [&](int, int, int) {
    ++done;
    if (options.batches) options.batches(done, total);
  };

  std::vector<Indexed> out;
  for (int s = 0; s < spec.seeds; ++s) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(s);
    const auto& todo = pending[static_cast<std::size_t>(s)];
    if (todo.empty()) continue;
    const deep::Upstream upstream = deep::prepare_upstream(spec, data, seed, device, options.checkpoints, batch_progress);
    say(upstream.message);
    // Downstream: task 2; the scratch run once per seed, then one transfer run per candidate.
    const deep::Stage down = deep::downstream_stage(spec, data, seed);
    const auto scratch_options = deep::scratch_options(spec, seed);
    const auto t0 = Clock::now();
    auto scratch = deep::fresh_downstream(spec, data, down.train.classes, seed, device);
    const auto scratch_curve = deep::curve_of(
        train::deep::train_model(*scratch, down.train, down.test, scratch_options, batch_progress, {}, down.val));
    const std::size_t scratch_at = deep::reported_epoch(scratch_curve, spec.downstream.select_epoch);
    const double scratch_accuracy = scratch_curve[scratch_at].test_accuracy;
    const double scratch_s = seconds_since(t0);
    say(fmt::format("seed {}: scratch trained ({} images{}, test accuracy {:.4f}{})", seed, down.train.n,
                    down.val.n > 0 ? fmt::format(", {} held out for validation", down.val.n) : "", scratch_accuracy,
                    down.val.n > 0 ? fmt::format(", validation {:.4f} at epoch {}", scratch_curve[scratch_at].val_accuracy,
                                                 scratch_curve[scratch_at].epoch)
                                   : ""));
    std::map<DeepSelect, std::map<std::string, torch::Tensor>> scores;  // per selection rule, computed once
    for (const std::size_t c : todo) {
      const DeepSpec& cand = candidates[c];
      const double setting = deep_settings(cand).front();
      if (!scores.contains(cand.select)) scores[cand.select] = deep::selection_scores(cand, *upstream.net, down.train, device);
      const auto t1 = Clock::now();
      auto model = deep::fresh_downstream(spec, data, down.train.classes, seed, device);
      const deep::Inherited inherited = deep::inherit(cand, setting, upstream.source, *model, seed, scores[cand.select]);
      const auto& report = inherited.report;
      if (result.transfer_report.empty() && setting > 0)
        result.transfer_report = (upstream.layout.empty() ? "" : "source: " + spec.import_weights + ", " + upstream.layout + "\n") +
                                 report.text();
      const auto options_c = deep::downstream_options(cand, seed);
      // Nothing inherited (α = 0, k = 0) and trained as scratch is: the model is the scratch
      // run's initialisation, trained with the same options, seed and shuffles, so its run *is*
      // the scratch run: reuse it, do not train it twice. Its batches leave the total rather than
      // count as done in no time, which would make the progress display's measured time per batch
      // too short.
      const bool as_scratch = report.copied() == 0 && inherited.anchors.empty() && options_c == scratch_options;
      if (as_scratch) {
        total -= down_batches;
        if (options.batches) options.batches(done, total);
        say(fmt::format("seed {}: {} = {:g} inherits nothing: its transfer run is the scratch run (not trained twice)",
                        seed, cand.rule == DeepRule::blocks ? "k" : "alpha", setting));
      }
      const auto curve = as_scratch ? scratch_curve
                                    : deep::curve_of(train::deep::train_model(*model, down.train, down.test, options_c,
                                                                              batch_progress, inherited.anchors, down.val));
      const std::size_t at = deep::reported_epoch(curve, spec.downstream.select_epoch);
      DeepRecord r;
      r.seed = seed;
      r.setting = setting;
      r.upstream_accuracy = upstream.accuracy;
      r.transfer_accuracy = curve[at].test_accuracy;
      r.scratch_accuracy = scratch_accuracy;
      r.copied_fraction = report.total() > 0 ? static_cast<double>(report.copied()) / static_cast<double>(report.total()) : 0.0;
      r.transfer_val_accuracy = curve[at].val_accuracy;
      r.scratch_val_accuracy = scratch_curve[scratch_at].val_accuracy;
      r.transfer_epoch = curve[at].epoch;
      r.scratch_epoch = scratch_curve[scratch_at].epoch;
      r.wall_s = seconds_since(t1) + scratch_s / static_cast<double>(todo.size());
      r.upstream_curve = upstream.curve;
      r.transfer_curve = curve;
      r.scratch_curve = scratch_curve;
      say(fmt::format("seed {}: {} = {:g}{}: transfer {:.4f}, scratch {:.4f}, gain {:+.2f} points", seed,
                      cand.rule == DeepRule::blocks ? "k" : "alpha", setting, variant(cand), r.transfer_accuracy,
                      scratch_accuracy, r.gain()));
      if (options.on_record) options.on_record(r);
      out.push_back({c, std::move(r)});
    }
  }
  return out;
}

}  // namespace

bool deep_available() { return true; }

void check_deep(const DeepSpec& spec) {
  deep::resolve_device(spec.device);
  const deep::StageData data = deep::load(spec);
  check_stage(data.upstream(), spec.upstream, "upstream", to_string(spec.dataset));
  check_stage(data.downstream(), spec.downstream, "downstream", to_string(spec.downstream_dataset.value_or(spec.dataset)));
  const int up_classes = spec.upstream.task == DeepTask::rotation ? 4 : static_cast<int>(spec.upstream.classes.size());
  auto upstream = model::deep::make_model(deep::model_spec(spec, data, up_classes));
  const auto names = upstream->blocks().names;
  const int below_head = static_cast<int>(names.size()) - 1;
  if (spec.rule == DeepRule::blocks)
    for (const int k : spec.blocks)
      if (k > below_head)
        throw core::InputError(fmt::format("transfer.blocks: k = {}; expected 0 to {} for {} (blocks {}; the head is "
                                           "never copied)", k, below_head, to_string(spec.arch), fmt::join(names, ", ")));
  // Downstream options that only the model or the data can check.
  const int blocks = static_cast<int>(names.size());
  if (!spec.downstream.block_lr.empty() && static_cast<int>(spec.downstream.block_lr.size()) != blocks)
    throw core::InputError(fmt::format("downstream.block_lr: {} factors; expected {}, one per block of {} ({})",
                                       spec.downstream.block_lr.size(), blocks, to_string(spec.arch),
                                       fmt::join(names, ", ")));
  if (spec.downstream.val_fraction > 0)
    for (const int c : spec.downstream.classes) {
      const std::int64_t n = spec.downstream.per_class > 0
                                 ? spec.downstream.per_class
                                 : std::count(data.downstream().train.labels.begin(), data.downstream().train.labels.end(), c);
      const auto held = static_cast<std::int64_t>(std::floor(spec.downstream.val_fraction * static_cast<double>(n)));
      if (n < 2)
        throw core::InputError(fmt::format("downstream.val_fraction = {:g}: class {} has {} training image, too few to "
                                           "hold any out; expected downstream.per_class ≥ 2 or val_fraction = 0",
                                           spec.downstream.val_fraction, c, n));
      if (held == 0 || held == n)
        throw core::InputError(fmt::format("downstream.val_fraction = {:g}: class {} has {} training images, so "
                                           "its {} part would be empty; expected a fraction that leaves at least one "
                                           "image of every class on each side (here at least {:.3g})",
                                           spec.downstream.val_fraction, c, n, held == 0 ? "validation" : "training",
                                           1.0 / static_cast<double>(n)));
    }
  if (!spec.import_weights.empty()) deep::import_upstream(spec, *upstream);  // throws when it does not fit
}

DeepResult run_deep(const DeepSpec& spec, const DeepRunOptions& options) {
  const auto start = Clock::now();
  DeepResult result;
  result.spec = spec;
  const std::vector<double> settings = deep_settings(spec);
  std::vector<DeepSpec> candidates;
  for (const double s : settings) candidates.push_back(at_setting(spec, s));
  const auto skip = [&](std::uint64_t seed, std::size_t c) { return options.skip && options.skip(seed, settings[c]); };
  for (auto& r : run_settings(spec, candidates, options, skip, result)) result.records.push_back(std::move(r.record));
  result.summary = summarize_deep(spec, result.records);
  result.wall_s = seconds_since(start);
  return result;
}

std::vector<DeepBaseline> deep_baselines(const DeepSpec& spec) {
  const int blocks = static_cast<int>(
      model::deep::make_model(deep::model_spec(spec, deep::load(spec), static_cast<int>(spec.downstream.classes.size())))
          ->blocks()
          .names.size());
  std::vector<DeepBaseline> out;
  const std::string setting = spec.rule == DeepRule::blocks ? "k" : "alpha";
  for (const double x : deep_settings(spec)) out.push_back({fmt::format("{} = {:g}", setting, x), at_setting(spec, x)});
  // The controls start from plain α = 1 channel transfer.
  DeepSpec one = spec;
  one.rule = DeepRule::channel;
  one.select = DeepSelect::random;
  one.alphas = {1.0};
  one.blocks.clear();
  one.freeze = false;
  one.shrink = 1.0;
  one.perturb = 0.0;
  one.norm_matched = false;
  one.downstream.l2sp = 0.0;
  one.downstream.probe_epochs = 0;
  one.downstream.block_lr.clear();
  const auto add = [&](const std::string& name, const std::function<void(DeepSpec&)>& change) {
    DeepSpec s = one;
    change(s);
    out.push_back({name + " (alpha = 1)", std::move(s)});
  };
  add("norm-matched random", [](DeepSpec& s) { s.norm_matched = true; });
  add("shrink-perturb 0.5/0.1", [](DeepSpec& s) { s.shrink = 0.5, s.perturb = 0.1; });
  add("L2-SP lambda 0.1", [](DeepSpec& s) { s.downstream.l2sp = 0.1; });
  add("linear probe", [](DeepSpec& s) { s.downstream.probe_epochs = s.downstream.epochs; });
  if (spec.downstream.epochs >= 2)
    add(fmt::format("LP-FT (head only for {} of {} epochs)", spec.downstream.epochs / 2, spec.downstream.epochs),
        [](DeepSpec& s) { s.downstream.probe_epochs = s.downstream.epochs / 2; });
  add("lr factors 0.1 to 1 by block", [blocks](DeepSpec& s) {
    for (int b = 0; b < blocks; ++b)
      s.downstream.block_lr.push_back(blocks == 1 ? 1.0 : std::pow(0.1, static_cast<double>(blocks - 1 - b) / (blocks - 1)));
  });
  return out;
}

std::vector<std::vector<DeepRecord>> run_deep_candidates(const DeepSpec& base, const std::vector<DeepSpec>& candidates,
                                                         const DeepRunOptions& options, DeepResult* meta) {
  const auto start = Clock::now();
  for (const DeepSpec& c : candidates) {
    PTLAB_ASSERT_MSG(deep_settings(c).size() == 1, "run_deep_candidates: each candidate has exactly one setting");
    PTLAB_ASSERT_MSG(shares_runs(base, c), "run_deep_candidates: a candidate differs from the base in more than its "
                                           "transfer settings and downstream.l2sp");
  }
  DeepResult result;
  std::vector<std::vector<DeepRecord>> out(candidates.size());
  for (auto& r : run_settings(base, candidates, options, {}, result)) out[r.candidate].push_back(std::move(r.record));
  if (meta != nullptr) {
    result.spec = base;
    result.wall_s = seconds_since(start);
    *meta = std::move(result);
  }
  return out;
}

}  // namespace ptlab::experiment
