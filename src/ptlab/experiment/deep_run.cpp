// The deep-net transfer experiment (LibTorch). Declared torch-free in experiment/deep_run.hpp.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/data/dataset_dir.hpp"
#include "ptlab/data/image_task.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "ptlab/store/checkpoint.hpp"
#include "ptlab/transfer/deep/copy.hpp"

namespace ptlab::experiment {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// exists() without throwing (an unreadable directory reads as "not there"; writing then fails
// with a message).
bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

data::TrainTest load(const DeepSpec& s) {
  switch (s.dataset) {
    case DeepDataset::fashion_mnist: return data::load_dataset_dir(data::DatasetFormat::fashion_mnist, "");
    case DeepDataset::idx: return data::load_dataset_dir(data::DatasetFormat::idx, s.dir);
    case DeepDataset::cifar10: return data::load_dataset_dir(data::DatasetFormat::cifar10, s.dir);
    case DeepDataset::cifar100: break;
  }
  return data::load_dataset_dir(data::DatasetFormat::cifar100, s.dir);
}

std::vector<int> label_map(const DeepTrainSpec& t, int classes) {
  std::vector<int> map(static_cast<std::size_t>(classes), -1);
  for (std::size_t i = 0; i < t.classes.size(); ++i) {
    if (t.classes[i] >= classes)
      throw core::InputError(fmt::format("class {} of a task; expected classes below {} for this data set", t.classes[i],
                                         classes));
    map[static_cast<std::size_t>(t.classes[i])] = static_cast<int>(i);
  }
  return map;
}

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

// The training and test sets of one stage: a class split, or (upstream) rotation prediction on
// the images of the classes.
struct Stage {
  data::ImageSet train, test;
};

Stage make_stage(const data::TrainTest& data, const DeepTrainSpec& t, core::Rng& rng) {
  const auto map = label_map(t, data.train.classes);
  Stage s{data::make_image_task(data.train, {.label_map = map, .per_class = t.per_class, .label_noise = t.label_noise}, rng),
          data::make_image_task(data.test, {.label_map = map}, rng)};
  if (t.task == DeepTask::rotation) {
    s.train = data::rotation_task(s.train, rng);
    s.test = data::rotation_task(s.test, rng);
  }
  return s;
}

// Training images of a stage, known before sampling (for the progress total).
std::int64_t stage_images(const data::TrainTest& data, const DeepTrainSpec& t) {
  if (t.per_class > 0) return static_cast<std::int64_t>(t.per_class) * static_cast<std::int64_t>(t.classes.size());
  std::int64_t n = 0;
  for (const int label : data.train.labels)
    for (const int c : t.classes) n += label == c;
  return n;
}

std::int64_t stage_batches(std::int64_t images, const DeepTrainSpec& t) {
  return (images + t.batch_size - 1) / t.batch_size * t.epochs;
}

// The stage's trainer options (a stage is its trainer's options plus what it trains on).
train::deep::TrainOptions options_of(const DeepTrainSpec& t, std::uint64_t seed) {
  train::deep::TrainOptions o = t;
  o.seed = seed;
  return o;
}

std::vector<DeepEpoch> curve_of(const std::vector<train::deep::EpochRecord>& records) {
  std::vector<DeepEpoch> out;
  for (const auto& r : records) out.push_back({r.epoch, r.train_loss, r.train_accuracy, r.test_accuracy});
  return out;
}

// A fresh model whose initial weights depend only on (seed, stream): the transfer and scratch
// runs of a pair start from the same fresh weights (drawn on the CPU, then moved).
std::shared_ptr<model::deep::Net> fresh(const model::deep::ModelSpec& m, std::uint64_t seed, core::Stream stream,
                                        const torch::Device& device) {
  torch::manual_seed(core::splitmix64(seed ^ static_cast<std::uint64_t>(stream)));
  auto net = model::deep::make_model(m);
  net->to(device);
  return net;
}

torch::Device resolve_device(DeepDevice device) {
  const bool cuda = torch::cuda::is_available();
  if (device == DeepDevice::cuda && !cuda)
    throw core::InputError("run.device = \"cuda\": this LibTorch has no CUDA support or sees no GPU; expected "
                           "\"cpu\" or \"auto\"");
  return (device == DeepDevice::cuda || (device == DeepDevice::automatic && cuda)) ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

}  // namespace

bool deep_available() { return true; }

void check_deep(const DeepSpec& spec) {
  resolve_device(spec.device);
  const data::TrainTest data = load(spec);
  check_stage(data, spec.upstream, "upstream", to_string(spec.dataset));
  check_stage(data, spec.downstream, "downstream", to_string(spec.dataset));
  const int up_classes = spec.upstream.task == DeepTask::rotation ? 4 : static_cast<int>(spec.upstream.classes.size());
  auto upstream = model::deep::make_model({to_string(spec.arch), data.train.channels, up_classes, data.train.height});
  const auto names = upstream->blocks().names;
  const int below_head = static_cast<int>(names.size()) - 1;
  if (spec.rule == DeepRule::blocks)
    for (const int k : spec.blocks)
      if (k > below_head)
        throw core::InputError(fmt::format("transfer.blocks: k = {}; expected 0 to {} for {} (blocks {}; the head is "
                                           "never copied)", k, below_head, to_string(spec.arch), fmt::join(names, ", ")));
  if (!spec.import_weights.empty()) {
    const auto report = transfer::deep::transfer(transfer::deep::load_state(spec.import_weights), *upstream,
                                                 upstream->blocks(), {.rule = transfer::deep::Rule::all});
    if (report.copied() == 0)
      throw core::InputError(fmt::format("transfer.import {}: no tensor matches a {} model ({} source tensors unmatched, "
                                         "{} mis-shaped); expected weights of this architecture", spec.import_weights,
                                         to_string(spec.arch), report.unmatched_source.size(), report.mis_shaped.size()));
  }
}

DeepResult run_deep(const DeepSpec& spec, const DeepRunOptions& options) {
  const auto start = Clock::now();
  const auto say = [&](const std::string& m) {
    if (options.message) options.message(m);
  };
  DeepResult result;
  result.spec = spec;
  result.threads = train::deep::set_threads(spec.threads);
  const torch::Device device = resolve_device(spec.device);
  result.device = device.is_cuda() ? "cuda" : "cpu";
  const data::TrainTest data = load(spec);
  const bool blocks_rule = spec.rule == DeepRule::blocks;
  const std::vector<double> settings = deep_settings(spec);

  // What each seed has to do, and the batches that makes (for the progress display).
  std::vector<std::vector<double>> pending(static_cast<std::size_t>(spec.seeds));
  std::int64_t total = 0, done = 0;
  const std::int64_t up_batches = stage_batches(stage_images(data, spec.upstream), spec.upstream);
  const std::int64_t down_batches = stage_batches(stage_images(data, spec.downstream), spec.downstream);
  for (int s = 0; s < spec.seeds; ++s) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(s);
    for (const double setting : settings)
      if (!options.skip || !options.skip(seed, setting)) pending[static_cast<std::size_t>(s)].push_back(setting);
    if (pending[static_cast<std::size_t>(s)].empty()) continue;
    const bool upstream_ready = !spec.import_weights.empty() ||
                                (!options.checkpoints.empty() && present(store::checkpoint_of(spec, options.checkpoints, seed).weights));
    total += (upstream_ready ? 0 : up_batches) + down_batches * static_cast<std::int64_t>(1 + pending[static_cast<std::size_t>(s)].size());
  }
  const auto batch_progress = [&](int, int, int) {
    ++done;
    if (options.batches) options.batches(done, total);
  };

  for (int s = 0; s < spec.seeds; ++s) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(s);
    if (pending[static_cast<std::size_t>(s)].empty()) continue;
    // Upstream: task 1, trained, or read from a checkpoint or an imported archive.
    core::Rng up_rng = core::Rng::stream(seed, core::Stream::upstream_train);
    const Stage up = make_stage(data, spec.upstream, up_rng);
    const model::deep::ModelSpec up_model{to_string(spec.arch), data.train.channels, up.train.classes, data.train.height};
    auto upstream = fresh(up_model, seed, core::Stream::upstream_init, device);
    std::vector<DeepEpoch> up_curve;
    double up_accuracy = std::numeric_limits<double>::quiet_NaN();
    transfer::deep::State source;
    const store::Checkpoint checkpoint = options.checkpoints.empty() ? store::Checkpoint{} : store::checkpoint_of(spec, options.checkpoints, seed);
    if (!spec.import_weights.empty()) {
      source = transfer::deep::load_state(spec.import_weights);
      // Into the upstream model too, for activation scores (a head of another shape stays fresh).
      const auto report = transfer::deep::transfer(source, *upstream, upstream->blocks(),
                                                   {.rule = transfer::deep::Rule::all, .copy_head = true});
      say(fmt::format("seed {}: upstream imported from {} ({} of {} entries matched, {} source tensors unused, {} "
                      "mis-shaped)", seed, spec.import_weights, report.copied(), report.total(),
                      report.unmatched_source.size(), report.mis_shaped.size()));
    } else if (!checkpoint.weights.empty() && present(checkpoint.weights)) {
      if (!present(checkpoint.curve))
        throw core::InputError(fmt::format("{}: incomplete checkpoint (its .csv is missing); expected both files "
                                           "(delete the .pt to retrain)", checkpoint.weights.string()));
      try {
        source = transfer::deep::load_state(checkpoint.weights.string());
      } catch (const core::InputError& e) {
        throw core::InputError(std::string(e.what()) + " (a damaged checkpoint: delete it to retrain)");
      }
      const auto report = transfer::deep::transfer(source, *upstream, upstream->blocks(),
                                                   {.rule = transfer::deep::Rule::all, .copy_head = true});
      if (report.copied() != report.total() || !report.unmatched_source.empty())
        throw core::InputError(fmt::format("{}: does not match this upstream model ({} of {} entries); expected a "
                                           "checkpoint of the same config (delete it to retrain)",
                                           checkpoint.weights.string(), report.copied(), report.total()));
      source = transfer::deep::state_of(*upstream);
      up_curve = store::read_checkpoint_curve(checkpoint.curve);
      up_accuracy = up_curve.back().test_accuracy;
      say(fmt::format("seed {}: upstream read from {} (test accuracy {:.4f})", seed, checkpoint.weights.string(), up_accuracy));
    } else {
      const auto records = train::deep::train_model(*upstream, up.train, up.test, options_of(spec.upstream, seed), batch_progress);
      up_curve = curve_of(records);
      up_accuracy = records.back().test_accuracy;
      source = transfer::deep::state_of(*upstream);
      if (!checkpoint.weights.empty())
        store::write_checkpoint(checkpoint, up_curve, [&](const std::string& path) { transfer::deep::save_state(*upstream, path); });
      say(fmt::format("seed {}: upstream trained ({} images, {} task, test accuracy {:.4f}, {:.0f} images/s)", seed,
                      up.train.n, to_string(spec.upstream.task), up_accuracy, records.back().images_per_s));
    }
    // Downstream: task 2; the scratch run once per seed, then one transfer run per setting.
    core::Rng down_rng = core::Rng::stream(seed, core::Stream::downstream_train);
    const Stage down = make_stage(data, spec.downstream, down_rng);
    const model::deep::ModelSpec down_model{to_string(spec.arch), data.train.channels, down.train.classes, data.train.height};
    const auto train_options = options_of(spec.downstream, seed + 1000003);
    const auto t0 = Clock::now();
    auto scratch = fresh(down_model, seed, core::Stream::downstream_init, device);
    const auto scratch_curve = curve_of(train::deep::train_model(*scratch, down.train, down.test, train_options, batch_progress));
    const double scratch_accuracy = scratch_curve.back().test_accuracy;
    const double scratch_s = seconds_since(t0);
    say(fmt::format("seed {}: scratch trained ({} images, test accuracy {:.4f})", seed, down.train.n, scratch_accuracy));
    std::map<std::string, torch::Tensor> scores;
    if (spec.select == DeepSelect::activation) {
      // Which upstream channels respond most to the downstream images (at most 512 of them).
      const auto probe = train::deep::to_tensor(down.train).slice(0, 0, std::min(512, down.train.n)).to(device);
      scores = transfer::deep::channel_scores(*upstream, probe);
    }
    for (const double setting : pending[static_cast<std::size_t>(s)]) {
      const auto t1 = Clock::now();
      auto model = fresh(down_model, seed, core::Stream::downstream_init, device);
      transfer::deep::Options o;
      o.rule = blocks_rule ? transfer::deep::Rule::blocks
                           : spec.rule == DeepRule::entry ? transfer::deep::Rule::entry : transfer::deep::Rule::channel;
      o.alpha = blocks_rule ? 1.0 : setting;
      o.blocks = blocks_rule ? static_cast<int>(setting) : 0;
      o.copy_head = false;  // the label sets of the two tasks differ
      o.seed = core::splitmix64(seed ^ static_cast<std::uint64_t>(core::Stream::transfer_choice));
      o.scores = scores;
      const auto report = transfer::deep::transfer(source, *model, model->blocks(), o);
      if (result.transfer_report.empty() && setting > 0) result.transfer_report = report.text();
      if (spec.freeze)  // AnB: the copied blocks stay fixed
        for (auto& p : model->named_parameters())
          for (const auto& t : report.tensors)
            if (t.name == p.key() && t.copied == t.total && t.total > 0) p.value().set_requires_grad(false);
      // L2-SP anchors: the inherited entries of every trainable parameter, at their inherited values.
      std::vector<train::deep::Anchor> anchors;
      if (train_options.l2sp > 0)
        for (auto& p : model->named_parameters())
          for (const auto& t : report.tensors)
            if (t.name == p.key() && t.inherited.defined() && p.value().requires_grad())
              anchors.push_back({p.value(), p.value().detach().clone(), t.inherited});
      const auto curve =
          curve_of(train::deep::train_model(*model, down.train, down.test, train_options, batch_progress, anchors));
      DeepRecord r{seed, setting, up_accuracy, curve.back().test_accuracy, scratch_accuracy,
                   report.total() > 0 ? static_cast<double>(report.copied()) / static_cast<double>(report.total()) : 0.0,
                   seconds_since(t1) + scratch_s / static_cast<double>(pending[static_cast<std::size_t>(s)].size()),
                   up_curve, curve, scratch_curve};
      say(fmt::format("seed {}: {} = {:g}: transfer {:.4f}, scratch {:.4f}, gain {:+.2f} points", seed,
                      blocks_rule ? "k" : "alpha", setting, r.transfer_accuracy, scratch_accuracy, r.gain()));
      if (options.on_record) options.on_record(r);
      result.records.push_back(std::move(r));
    }
  }
  result.summary = summarize_deep(spec, result.records);
  result.wall_s = seconds_since(start);
  return result;
}

}  // namespace ptlab::experiment
