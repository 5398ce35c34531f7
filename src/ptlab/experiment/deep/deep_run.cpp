// The deep-net transfer experiment (LibTorch). Declared torch-free in experiment/deep_run.hpp.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/data/image_task.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/trainer.hpp"
#include "ptlab/transfer/deep/copy.hpp"

namespace ptlab::experiment {
namespace {

using Clock = std::chrono::steady_clock;

struct Splits {
  data::ImageSet train, test;
};

std::string first_existing(const std::string& dir, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (std::filesystem::exists(dir + "/" + n)) return dir + "/" + n;
  throw core::InputError(fmt::format("{}: none of {} found; expected the data set's files there", dir,
                                     fmt::join(names, ", ")));
}

Splits load(const DeepSpec& s) {
  if (s.dataset == "fashion-mnist") return {data::load_fashion_mnist(true), data::load_fashion_mnist(false)};
  if (s.dataset == "idx") {
    const auto f = [&](const std::string& stem) { return first_existing(s.dir, {stem, stem + ".gz"}); };
    return {data::read_idx(f("train-images-idx3-ubyte"), f("train-labels-idx1-ubyte")),
            data::read_idx(f("t10k-images-idx3-ubyte"), f("t10k-labels-idx1-ubyte"))};
  }
  if (s.dataset == "cifar10") {
    std::vector<std::string> train;
    for (int b = 1; b <= 5; ++b) train.push_back(first_existing(s.dir, {fmt::format("data_batch_{}.bin", b)}));
    return {data::read_cifar10(train), data::read_cifar10({first_existing(s.dir, {"test_batch.bin"})})};
  }
  return {data::read_cifar100({first_existing(s.dir, {"train.bin"})}),
          data::read_cifar100({first_existing(s.dir, {"test.bin"})})};
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

train::deep::TrainOptions options_of(const DeepTrainSpec& t, std::uint64_t seed) {
  return {.optimizer = t.optimizer, .lr = t.lr, .weight_decay = t.weight_decay, .epochs = t.epochs,
          .batch_size = t.batch_size, .augment = t.augment, .input_noise = t.input_noise, .seed = seed};
}

// A fresh model whose initial weights depend only on (seed, stream): the transfer and scratch
// runs of a pair start from the same fresh weights.
std::shared_ptr<model::deep::Net> fresh(const model::deep::ModelSpec& m, std::uint64_t seed, core::Stream stream) {
  torch::manual_seed(core::splitmix64(seed ^ static_cast<std::uint64_t>(stream)));
  return model::deep::make_model(m);
}

}  // namespace

bool deep_available() { return true; }

DeepResult run_deep(const DeepSpec& spec, const std::function<void(const std::string&)>& progress) {
  const auto start = Clock::now();
  const auto say = [&](const std::string& m) {
    if (progress) progress(m);
  };
  DeepResult result;
  result.spec = spec;
  result.threads = spec.threads > 0 ? spec.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(result.threads);
  const Splits data = load(spec);
  const bool blocks_rule = spec.rule == "blocks";
  std::vector<double> settings;
  if (blocks_rule) for (const int k : spec.blocks) settings.push_back(k);
  else settings = spec.alphas;

  for (int s = 0; s < spec.seeds; ++s) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(s);
    // Upstream: task 1, trained (or imported).
    core::Rng up_rng = core::Rng::stream(seed, core::Stream::upstream_train);
    const auto up_map = label_map(spec.upstream, data.train.classes);
    const auto up_train = data::make_image_task(
        data.train, {.label_map = up_map, .per_class = spec.upstream.per_class, .label_noise = spec.upstream.label_noise},
        up_rng);
    const auto up_test = data::make_image_task(data.test, {.label_map = up_map}, up_rng);
    const model::deep::ModelSpec up_model{spec.arch, data.train.channels, up_train.classes, data.train.height};
    auto upstream = fresh(up_model, seed, core::Stream::upstream_init);
    double up_accuracy = std::numeric_limits<double>::quiet_NaN();
    transfer::deep::State source;
    if (!spec.import_weights.empty()) {
      source = transfer::deep::load_state(spec.import_weights);
    } else {
      const auto records = train::deep::train_model(*upstream, up_train, up_test, options_of(spec.upstream, seed));
      up_accuracy = records.back().test_accuracy;
      source = transfer::deep::state_of(*upstream);
      say(fmt::format("seed {}: upstream trained ({} images, test accuracy {:.4f}, {:.0f} images/s)", seed, up_train.n,
                      up_accuracy, records.back().images_per_s));
    }
    // Downstream: task 2; the scratch run once per seed, then one transfer run per setting.
    core::Rng down_rng = core::Rng::stream(seed, core::Stream::downstream_train);
    const auto down_map = label_map(spec.downstream, data.train.classes);
    const auto down_train = data::make_image_task(data.train, {.label_map = down_map, .per_class = spec.downstream.per_class},
                                                  down_rng);
    const auto down_test = data::make_image_task(data.test, {.label_map = down_map}, down_rng);
    const model::deep::ModelSpec down_model{spec.arch, data.train.channels, down_train.classes, data.train.height};
    const auto train_options = options_of(spec.downstream, seed + 1000003);
    const auto t0 = Clock::now();
    auto scratch = fresh(down_model, seed, core::Stream::downstream_init);
    const double scratch_accuracy = train::deep::train_model(*scratch, down_train, down_test, train_options).back().test_accuracy;
    const double scratch_s = std::chrono::duration<double>(Clock::now() - t0).count();
    say(fmt::format("seed {}: scratch trained ({} images, test accuracy {:.4f})", seed, down_train.n, scratch_accuracy));
    for (const double setting : settings) {
      const auto t1 = Clock::now();
      auto model = fresh(down_model, seed, core::Stream::downstream_init);
      transfer::deep::Options o;
      o.rule = blocks_rule ? transfer::deep::Rule::blocks
                           : spec.rule == "entry" ? transfer::deep::Rule::entry : transfer::deep::Rule::channel;
      o.alpha = blocks_rule ? 1.0 : setting;
      o.blocks = blocks_rule ? static_cast<int>(setting) : 0;
      o.copy_head = false;  // the label sets of the two tasks differ
      o.seed = core::splitmix64(seed ^ static_cast<std::uint64_t>(core::Stream::transfer_choice));
      const auto report = transfer::deep::transfer(source, *model, model->blocks(), o);
      if (result.transfer_report.empty() && setting > 0) result.transfer_report = report.text();
      if (spec.freeze)  // AnB: the copied blocks stay fixed
        for (auto& p : model->named_parameters())
          for (const auto& t : report.tensors)
            if (t.name == p.key() && t.copied == t.total && t.total > 0) p.value().set_requires_grad(false);
      const double accuracy = train::deep::train_model(*model, down_train, down_test, train_options).back().test_accuracy;
      DeepRecord r{seed, setting, up_accuracy, accuracy, scratch_accuracy,
                   report.total() > 0 ? static_cast<double>(report.copied()) / static_cast<double>(report.total()) : 0.0,
                   std::chrono::duration<double>(Clock::now() - t1).count() + scratch_s / settings.size()};
      result.records.push_back(r);
      say(fmt::format("seed {}: {} = {:g}: transfer {:.4f}, scratch {:.4f}, gain {:+.2f} points", seed,
                      blocks_rule ? "k" : "alpha", setting, accuracy, scratch_accuracy, r.gain()));
    }
  }
  for (const double setting : settings) {
    std::vector<double> sc, tr, gain;
    for (const auto& r : result.records)
      if (r.setting == setting) {
        sc.push_back(r.scratch_accuracy);
        tr.push_back(r.transfer_accuracy);
        gain.push_back(r.gain());
      }
    result.summary.push_back({setting, summarize(sc), summarize(tr), summarize(gain)});
  }
  result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace ptlab::experiment
