#include "ptlab/experiment/deep/stage.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "ptlab/core/error.hpp"
#include "ptlab/data/dataset_dir.hpp"
#include "ptlab/data/digits.hpp"
#include "ptlab/data/image_task.hpp"
#include "ptlab/store/checkpoint.hpp"
#include "ptlab/transfer/deep/torchvision.hpp"

namespace ptlab::experiment::deep {
namespace {

namespace fs = std::filesystem;

// exists() without throwing (an unreadable directory reads as "not there"; writing then fails
// with a message).
bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
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
  train::deep::TrainOptions o = t;
  o.seed = seed;
  return o;
}

}  // namespace

namespace {

data::DatasetFormat format_of(DeepDataset d) {
  switch (d) {
    case DeepDataset::fashion_mnist: return data::DatasetFormat::fashion_mnist;
    case DeepDataset::idx: return data::DatasetFormat::idx;
    case DeepDataset::cifar10: return data::DatasetFormat::cifar10;
    case DeepDataset::cifar100: return data::DatasetFormat::cifar100;
    case DeepDataset::folder: return data::DatasetFormat::folder;
    case DeepDataset::opencv_digits: return data::DatasetFormat::opencv_digits;
    case DeepDataset::sklearn_digits: break;
  }
  return data::DatasetFormat::sklearn_digits;
}

// Where a data set's files are, for messages.
std::string location(DeepDataset d, const std::string& dir) {
  if (!dir.empty()) return dir;
  switch (d) {
    case DeepDataset::opencv_digits: return data::kOpenCvDigitsDir;
    case DeepDataset::sklearn_digits: return data::kSklearnDigitsDir;
    default: return data::kFashionMnistDir;
  }
}

// Every class a stage uses must have images in both splits: a class missing from the test split
// would make its accuracy NaN after the whole training (and a NaN record reads as done).
void check_classes(const data::TrainTest& d, const DeepTrainSpec& t, const char* stage, const std::string& where) {
  for (const auto& [split, set] : {std::pair<const char*, const data::ImageSet*>{"train", &d.train}, {"test", &d.test}}) {
    std::vector<int> count(static_cast<std::size_t>(std::max(set->classes, 1)), 0);
    for (const int label : set->labels)
      if (label >= 0 && label < set->classes) ++count[static_cast<std::size_t>(label)];
    for (const int c : t.classes)
      if (c < 0 || c >= set->classes || count[static_cast<std::size_t>(c)] == 0)
        throw core::InputError(fmt::format("{}: {} class {} has 0 {} images; expected every class of {}.classes in "
                                           "both splits", where, stage, c, split, stage));
  }
}

}  // namespace

StageData load(const DeepSpec& s) {
  const data::ImageShape shape{s.size, s.channels};
  const bool cross = s.downstream_dataset && (*s.downstream_dataset != s.dataset || s.downstream_dir != s.dir);
  StageData d{data::load_dataset_dir(format_of(s.dataset), s.dir, shape), std::nullopt};
  if (cross) d.other = data::load_dataset_dir(format_of(*s.downstream_dataset), s.downstream_dir, shape);
  const std::string up_where = location(s.dataset, s.dir);
  const std::string down_where = cross ? location(*s.downstream_dataset, s.downstream_dir) : up_where;
  if (s.import_weights.empty()) check_classes(d.upstream(), s.upstream, "upstream", up_where);  // imported: no upstream data
  check_classes(d.downstream(), s.downstream, "downstream", down_where);
  const data::ImageSet &a = d.upstream().train, &b = d.downstream().train;
  if (a.channels != b.channels || a.height != b.height || a.width != b.width)
    throw core::InputError(fmt::format("data.downstream_dataset: upstream images ({}) are {} × {} × {} (channels × "
                                       "height × width), downstream images ({}) {} × {} × {}; expected one shape: set "
                                       "data.size and data.channels", up_where, a.channels, a.height, a.width,
                                       down_where, b.channels, b.height, b.width));
  return d;
}

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

Stage upstream_stage(const DeepSpec& spec, const StageData& data, std::uint64_t seed) {
  core::Rng rng = core::Rng::stream(seed, core::Stream::upstream_train);
  return make_stage(data.upstream(), spec.upstream, rng);
}

Stage downstream_stage(const DeepSpec& spec, const StageData& data, std::uint64_t seed) {
  core::Rng rng = core::Rng::stream(seed, core::Stream::downstream_train);
  Stage s = make_stage(data.downstream(), spec.downstream, rng);
  if (spec.downstream.val_fraction > 0) {
    data::TrainVal split = data::split_validation(s.train, spec.downstream.val_fraction, rng);
    s.train = std::move(split.train);
    s.val = std::move(split.val);
  }
  return s;
}

train::deep::TrainOptions downstream_options(const DeepSpec& spec, std::uint64_t seed) {
  return options_of(spec.downstream, seed + 1000003);
}

train::deep::TrainOptions scratch_options(const DeepSpec& spec, std::uint64_t seed) {
  train::deep::TrainOptions o = downstream_options(spec, seed);
  o.l2sp = 0.0;
  o.probe_epochs = 0;
  o.block_lr.clear();
  return o;
}

std::int64_t stage_images(const data::TrainTest& data, const DeepTrainSpec& t) {
  if (t.per_class > 0) return static_cast<std::int64_t>(t.per_class) * static_cast<std::int64_t>(t.classes.size());
  std::int64_t n = 0;
  for (const int label : data.train.labels)
    for (const int c : t.classes) n += label == c;
  return n;
}

torch::Device resolve_device(DeepDevice device) {
  const bool cuda = torch::cuda::is_available();
  if (device == DeepDevice::cuda && !cuda)
    throw core::InputError("run.device = \"cuda\": this LibTorch has no CUDA support or sees no GPU; expected "
                           "\"cpu\" or \"auto\"");
  return (device == DeepDevice::cuda || (device == DeepDevice::automatic && cuda)) ? torch::Device(torch::kCUDA)
                                                                                   : torch::Device(torch::kCPU);
}

model::deep::ModelSpec model_spec(const DeepSpec& spec, const StageData& data, int classes) {
  const data::ImageSet& train = data.upstream().train;  // both stages have this shape (load checks it)
  return {to_string(spec.arch), train.channels, classes, train.height, to_string(spec.stem)};
}

std::shared_ptr<model::deep::Net> fresh(const model::deep::ModelSpec& m, std::uint64_t seed, core::Stream stream,
                                        const torch::Device& device) {
  torch::manual_seed(core::splitmix64(seed ^ static_cast<std::uint64_t>(stream)));
  auto net = model::deep::make_model(m);
  net->to(device);
  return net;
}

std::shared_ptr<model::deep::Net> fresh_downstream(const DeepSpec& spec, const StageData& data, int classes,
                                                   std::uint64_t seed, const torch::Device& device) {
  return fresh(model_spec(spec, data, classes), seed, core::Stream::downstream_init, device);
}

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  return shape.empty() ? std::string("scalar") : fmt::format("{}", fmt::join(shape, "x"));
}

// The target tensor of a report by name (it lists every target tensor).
const transfer::deep::TensorReport& tensor_report(const transfer::deep::Report& r, const std::string& name) {
  const auto it = std::find_if(r.tensors.begin(), r.tensors.end(), [&](const auto& t) { return t.name == name; });
  PTLAB_ASSERT(it != r.tensors.end());
  return *it;
}

bool is_head(const std::string& name) { return name.rfind("head.", 0) == 0; }

// What did not fit, for messages: "3 source tensors unmatched, e.g. X; 2 mis-shaped, e.g. Y: AxB,
// the model's CxD". `original` names a tensor as the archive did.
std::string misfit(const transfer::deep::State& source, const transfer::deep::Report& r,
                   const std::vector<std::string>& unmatched, const std::vector<std::string>& mis_shaped,
                   const std::function<std::string(const std::string&)>& original) {
  std::string out = fmt::format("{} source tensors unmatched", unmatched.size());
  if (!unmatched.empty()) out += ", e.g. " + original(unmatched.front());
  out += fmt::format("; {} mis-shaped", mis_shaped.size());
  if (!mis_shaped.empty()) {
    const std::string& n = mis_shaped.front();
    out += fmt::format(", e.g. {}: {}, the model's {}", original(n), shape_text(source.at(n).sizes().vec()),
                       shape_text(tensor_report(r, n).shape));
  }
  return out;
}

}  // namespace

Imported import_upstream(const DeepSpec& spec, model::deep::Net& net) {
  const std::string& path = spec.import_weights;
  transfer::deep::Archive archive = transfer::deep::load_archive(path);
  Imported out{std::move(archive.state), {}, archive.note};
  out.report = transfer::deep::transfer(out.source, net, net.blocks(), {.rule = transfer::deep::Rule::all, .copy_head = true});
  const transfer::deep::Report& r = out.report;
  const std::string arch = to_string(spec.arch);
  if (archive.torchvision) {
    // The head never transfers (other labels), and the stem conv fits only model.stem =
    // "imagenet" on 3 channels: both may differ; anything else means another architecture.
    std::vector<std::string> mis_shaped;
    for (const auto& n : r.mis_shaped)
      if (!is_head(n) && n != "stem.0.weight") mis_shaped.push_back(n);
    if (!r.unmatched_source.empty() || !mis_shaped.empty())
      throw core::InputError(fmt::format(
          "transfer.import {}: a torchvision ResNet archive that does not fit model.arch = \"{}\" ({}); expected "
          "torchvision's resnet18 weights (torchvision.models.resnet18().state_dict()) with model.arch = \"resnet18\"",
          path, arch, misfit(out.source, r, r.unmatched_source, mis_shaped, transfer::deep::to_torchvision_resnet)));
    out.layout = std::string(transfer::deep::kTorchvisionResnetLayout) + (archive.note.empty() ? "" : "; " + archive.note);
    if (std::find(r.mis_shaped.begin(), r.mis_shaped.end(), "stem.0.weight") != r.mis_shaped.end())
      out.layout += fmt::format("; conv1.weight ({}) not copied: the model's stem conv is {} (model.stem = \"imagenet\" "
                                "and data.channels = 3 take it)",
                                shape_text(out.source.at("stem.0.weight").sizes().vec()),
                                shape_text(tensor_report(r, "stem.0.weight").shape));
    return out;
  }
  // Counters (BatchNorm's num_batches_tracked, 0-dim) match any BatchNorm, and a head's bias any
  // head of as many classes: neither is a match (the head is never transferred).
  const bool any = std::any_of(r.tensors.begin(), r.tensors.end(),
                               [](const auto& t) { return t.copied > 0 && !t.shape.empty() && !is_head(t.name); });
  if (!any)
    throw core::InputError(fmt::format("transfer.import {}: no tensor matches a {} model ({}); expected weights of this "
                                       "architecture (a ptlab checkpoint, or a state_dict with ptlab's names or "
                                       "torchvision's ResNet names)",
                                       path, arch,
                                       misfit(out.source, r, r.unmatched_source, r.mis_shaped,
                                              [](const std::string& n) { return n; })));
  return out;
}

Upstream prepare_upstream(const DeepSpec& spec, const StageData& data, std::uint64_t seed,
                          const torch::Device& device, const std::string& checkpoints,
                          const std::function<void(int, int, int)>& progress) {
  const Stage up = upstream_stage(spec, data, seed);
  Upstream u;
  u.net = fresh(model_spec(spec, data, up.train.classes), seed, core::Stream::upstream_init, device);
  u.accuracy = std::numeric_limits<double>::quiet_NaN();
  const store::Checkpoint checkpoint = checkpoints.empty() ? store::Checkpoint{} : store::checkpoint_of(spec, checkpoints, seed);
  if (!spec.import_weights.empty()) {
    // Into the upstream model too, for activation scores (a head of another shape stays fresh).
    Imported imported = import_upstream(spec, *u.net);
    const auto& report = imported.report;
    u.message = fmt::format("seed {}: upstream imported from {} ({} of {} entries matched, {} source tensors unused, {} "
                            "mis-shaped{})", seed, spec.import_weights, report.copied(), report.total(),
                            report.unmatched_source.size(), report.mis_shaped.size(),
                            imported.layout.empty() ? "" : "; " + imported.layout);
    u.source = std::move(imported.source);
    u.layout = std::move(imported.layout);
  } else if (!checkpoint.weights.empty() && present(checkpoint.weights)) {
    if (!present(checkpoint.curve))
      throw core::InputError(fmt::format("{}: incomplete checkpoint (its .csv is missing); expected both files "
                                         "(delete the .pt to retrain)", checkpoint.weights.string()));
    try {
      u.source = transfer::deep::load_state(checkpoint.weights.string());
    } catch (const core::InputError& e) {
      throw core::InputError(std::string(e.what()) + " (a damaged checkpoint: delete it to retrain)");
    }
    const auto report = transfer::deep::transfer(u.source, *u.net, u.net->blocks(),
                                                 {.rule = transfer::deep::Rule::all, .copy_head = true});
    if (report.copied() != report.total() || !report.unmatched_source.empty())
      throw core::InputError(fmt::format("{}: does not match this upstream model ({} of {} entries); expected a "
                                         "checkpoint of the same config (delete it to retrain)",
                                         checkpoint.weights.string(), report.copied(), report.total()));
    u.source = transfer::deep::state_of(*u.net);
    u.curve = store::read_checkpoint_curve(checkpoint.curve);
    u.accuracy = u.curve.back().test_accuracy;
    u.message = fmt::format("seed {}: upstream read from {} (test accuracy {:.4f})", seed, checkpoint.weights.string(),
                            u.accuracy);
  } else {
    const auto records = train::deep::train_model(*u.net, up.train, up.test, options_of(spec.upstream, seed), progress);
    u.curve = curve_of(records);
    u.accuracy = records.back().test_accuracy;
    u.source = transfer::deep::state_of(*u.net);
    u.trained = true;
    if (!checkpoint.weights.empty())
      store::write_checkpoint(checkpoint, u.curve, [&](const std::string& path) { transfer::deep::save_state(*u.net, path); });
    u.message = fmt::format("seed {}: upstream trained ({} images, {} task, test accuracy {:.4f}, {:.0f} images/s)", seed,
                            up.train.n, to_string(spec.upstream.task), u.accuracy, records.back().images_per_s);
  }
  return u;
}

std::map<std::string, torch::Tensor> selection_scores(const DeepSpec& spec, model::deep::Net& upstream,
                                                      const data::ImageSet& downstream_train, const torch::Device& device) {
  if (spec.select != DeepSelect::activation) return {};
  const auto probe = train::deep::to_tensor(downstream_train).slice(0, 0, std::min(512, downstream_train.n)).to(device);
  return transfer::deep::channel_scores(upstream, probe);
}

Inherited inherit(const DeepSpec& spec, double setting, const transfer::deep::State& source, model::deep::Net& model,
                  std::uint64_t seed, const std::map<std::string, torch::Tensor>& scores) {
  const bool blocks_rule = spec.rule == DeepRule::blocks;
  const bool shrink_perturb = spec.shrink != 1.0 || spec.perturb != 0.0;
  // The fresh values, cloned (state_of shares storage with the model, which transfer overwrites).
  std::map<std::string, torch::Tensor> fresh_state;
  if (shrink_perturb)
    for (const auto& p : model.named_parameters()) fresh_state[p.key()] = p.value().detach().clone();
  std::map<std::string, torch::Tensor> fresh_buffers;
  if (spec.norm_matched)
    for (const auto& b : model.named_buffers()) fresh_buffers[b.key()] = b.value().detach().clone();
  transfer::deep::Options o;
  o.rule = blocks_rule ? transfer::deep::Rule::blocks
                       : spec.rule == DeepRule::entry ? transfer::deep::Rule::entry : transfer::deep::Rule::channel;
  o.alpha = blocks_rule ? 1.0 : setting;
  o.blocks = blocks_rule ? static_cast<int>(setting) : 0;
  o.copy_head = false;  // the label sets of the two tasks differ
  o.seed = core::splitmix64(seed ^ static_cast<std::uint64_t>(core::Stream::transfer_choice));
  o.scores = scores;
  Inherited out{transfer::deep::transfer(source, model, model.blocks(), o), {}};
  const auto report_of = [&](const std::string& name) -> const transfer::deep::TensorReport* {
    for (const auto& t : out.report.tensors)
      if (t.name == name) return &t;
    return nullptr;
  };
  if (shrink_perturb) {
    torch::NoGradGuard no_grad;
    for (auto& p : model.named_parameters())
      if (const auto* t = report_of(p.key()); t != nullptr && t->inherited.defined()) {
        const torch::Tensor& w_fresh = fresh_state.at(p.key());
        const torch::Tensor mixed = spec.shrink * p.value() + spec.perturb * w_fresh;
        p.value().copy_(t->inherited * mixed + (1 - t->inherited) * p.value());
      }
  }
  if (spec.norm_matched) {
    // Raghu et al. 2019's control: the inherited entries of each parameter become draws of
    // N(m, s²), with m and s (population sd) of the upstream values they replace; buffers
    // (running statistics) go back to their fresh values, as they describe upstream features.
    torch::NoGradGuard no_grad;
    const auto gen = at::make_generator<at::CPUGeneratorImpl>(
        core::splitmix64(seed ^ static_cast<std::uint64_t>(core::Stream::control_values)));
    for (auto& p : model.named_parameters()) {
      const auto* t = report_of(p.key());
      if (t == nullptr || !t->inherited.defined()) continue;
      const torch::Tensor values = p.value().masked_select(t->inherited.to(torch::kBool));
      const double m = values.mean().item<double>(), sd = values.std(/*unbiased=*/false).item<double>();
      const torch::Tensor draw = (m + sd * torch::randn(p.value().sizes(), gen, torch::kFloat)).to(p.value().device());
      p.value().copy_(t->inherited * draw + (1 - t->inherited) * p.value());
    }
    for (auto& b : model.named_buffers())
      if (fresh_buffers.contains(b.key())) b.value().copy_(fresh_buffers.at(b.key()));
  }
  if (spec.freeze)  // AnB: the copied blocks stay fixed
    for (auto& p : model.named_parameters())
      if (const auto* t = report_of(p.key()); t != nullptr && t->copied == t->total && t->total > 0)
        p.value().set_requires_grad(false);
  // L2-SP anchors: the inherited entries of every trainable parameter, at the values it starts from.
  if (spec.downstream.l2sp > 0)
    for (auto& p : model.named_parameters())
      if (const auto* t = report_of(p.key()); t != nullptr && t->inherited.defined() && p.value().requires_grad())
        out.anchors.push_back({p.value(), p.value().detach().clone(), t->inherited});
  return out;
}

std::vector<DeepEpoch> curve_of(const std::vector<train::deep::EpochRecord>& records) {
  std::vector<DeepEpoch> out;
  for (const auto& r : records) out.push_back({r.epoch, r.train_loss, r.train_accuracy, r.test_accuracy, r.val_accuracy});
  return out;
}

std::size_t reported_epoch(const std::vector<DeepEpoch>& curve, DeepEpochChoice choice) {
  PTLAB_ASSERT(!curve.empty());
  std::size_t best = curve.size() - 1;
  if (choice != DeepEpochChoice::val) return best;
  bool found = false;
  for (std::size_t i = 0; i < curve.size(); ++i)
    if (std::isfinite(curve[i].val_accuracy) && (!found || curve[i].val_accuracy > curve[best].val_accuracy)) {
      best = i;
      found = true;
    }
  return best;
}

}  // namespace ptlab::experiment::deep
