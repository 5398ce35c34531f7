#include "ptlab/train/deep/trainer.hpp"

#include <fmt/format.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <thread>

#include <fmt/ranges.h>

#include "ptlab/core/error.hpp"
#include "ptlab/core/rng.hpp"

namespace ptlab::train::deep {

int set_threads(int threads) {
  const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
  // Looked up at run time: no link dependency on OpenBLAS, a no-op with another BLAS.
  using SetThreads = void (*)(int);
  if (const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")); set != nullptr)
    set(1);
  return n;
}

torch::Tensor to_tensor(const data::ImageSet& images) {
  auto bytes = torch::from_blob(const_cast<std::uint8_t*>(images.pixels.data()),
                                {images.n, images.channels, images.height, images.width}, torch::kUInt8);
  return (bytes.to(torch::kFloat) / 255.0 - 0.5) / 0.5;
}

double accuracy(model::deep::Net& model, const torch::Tensor& x, const torch::Tensor& y, int batch_size) {
  torch::NoGradGuard no_grad;
  model.eval();
  // Counted on the model's device and read once: no host synchronisation per batch on a GPU.
  auto correct = torch::zeros({}, torch::TensorOptions().dtype(torch::kLong).device(x.device()));
  for (std::int64_t i = 0; i < x.size(0); i += batch_size) {
    const auto end = std::min<std::int64_t>(i + batch_size, x.size(0));
    const auto logits = model.forward(x.slice(0, i, end));
    correct += (logits.argmax(1) == y.slice(0, i, end)).sum();
  }
  return x.size(0) > 0 ? static_cast<double>(correct.item<std::int64_t>()) / static_cast<double>(x.size(0)) : 0.0;
}

namespace {

// Random crop with 2-pixel zero padding and a horizontal flip, per image.
torch::Tensor augment(const torch::Tensor& batch, core::Rng& rng) {
  const auto h = batch.size(2), w = batch.size(3);
  const auto padded = torch::constant_pad_nd(batch, {2, 2, 2, 2}, -1.0);  // −1 = black after scaling
  std::vector<torch::Tensor> out;
  for (std::int64_t i = 0; i < batch.size(0); ++i) {
    const auto dy = static_cast<std::int64_t>(rng.below(5)), dx = static_cast<std::int64_t>(rng.below(5));
    auto img = padded[i].slice(1, dy, dy + h).slice(2, dx, dx + w);
    if (rng.uniform() < 0.5) img = img.flip({2});
    out.push_back(img);
  }
  return torch::stack(out);
}

// The parameter groups of one training phase: every trainable parameter (or only the head's, in a
// linear-probe phase), one group per block with its learning-rate factor when block_lr is given,
// else one group with factor 1 (the order of model.parameters(), so plain runs keep their bits).
struct Groups {
  std::vector<std::vector<torch::Tensor>> params;
  std::vector<double> factor;
};

bool in_block(const std::string& name, const std::string& block) {
  return name == block || name.rfind(block + ".", 0) == 0;
}

Groups groups_of(model::deep::Net& model, const TrainOptions& o, bool head_only) {
  const auto names = model.blocks().names;
  Groups g;
  if (o.block_lr.empty()) {
    g.params.emplace_back();
    g.factor.push_back(1.0);
  } else {
    g.params.resize(names.size());
    g.factor = o.block_lr;
  }
  for (const auto& p : model.named_parameters()) {
    if (!p.value().requires_grad() || (head_only && !in_block(p.key(), "head"))) continue;
    std::size_t b = 0;
    if (!o.block_lr.empty()) {
      while (b < names.size() && !in_block(p.key(), names[b])) ++b;
      PTLAB_ASSERT_MSG(b < names.size(), "a parameter outside every block: " + p.key());
    }
    g.params[b].push_back(p.value());
  }
  return g;
}

std::unique_ptr<torch::optim::Optimizer> optimizer_of(const Groups& g, const TrainOptions& o) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  for (std::size_t i = 0; i < g.params.size(); ++i) {
    if (g.params[i].empty()) continue;
    std::unique_ptr<torch::optim::OptimizerOptions> options;
    if (o.optimizer == Optimizer::sgd)
      options = std::make_unique<torch::optim::SGDOptions>(
          torch::optim::SGDOptions(o.lr * g.factor[i]).momentum(o.momentum).weight_decay(o.weight_decay));
    else
      options = std::make_unique<torch::optim::AdamWOptions>(
          torch::optim::AdamWOptions(o.lr * g.factor[i]).weight_decay(o.weight_decay));
    groups.emplace_back(g.params[i], std::move(options));
  }
  if (o.optimizer == Optimizer::sgd)
    return std::make_unique<torch::optim::SGD>(
        groups, torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay));
  return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
}

// The learning-rate factor of each group the optimizer holds (groups with no parameter are left out).
std::vector<double> factors_of(const Groups& g) {
  std::vector<double> out;
  for (std::size_t i = 0; i < g.params.size(); ++i)
    if (!g.params[i].empty()) out.push_back(g.factor[i]);
  return out;
}

}  // namespace

std::vector<EpochRecord> train_model(model::deep::Net& model, const data::ImageSet& train, const data::ImageSet& test,
                                     const TrainOptions& o, const std::function<void(int, int, int)>& progress,
                                     const std::vector<Anchor>& anchors, const data::ImageSet& val) {
  if (o.optimizer != Optimizer::sgd && o.optimizer != Optimizer::adamw)
    throw core::InputError(fmt::format("optimizer {}; expected Optimizer::sgd or Optimizer::adamw",
                                       static_cast<int>(o.optimizer)));
  if (o.epochs < 1 || o.batch_size < 1 || o.eval_every < 1 || !(o.lr > 0) || !(o.weight_decay >= 0) || !(o.input_noise >= 0) ||
      !(o.l2sp >= 0) || o.stop_after_steps < 0)
    throw core::InputError("training options: expected epochs ≥ 1, batch_size ≥ 1, eval_every ≥ 1, lr > 0, weight_decay ≥ 0, "
                           "input_noise ≥ 0 and l2sp ≥ 0");
  if (o.probe_epochs < 0 || o.probe_epochs > o.epochs)
    throw core::InputError(fmt::format("training options: probe_epochs = {}; expected 0 to epochs = {}", o.probe_epochs,
                                       o.epochs));
  const auto block_names = model.blocks().names;
  if (!o.block_lr.empty() && o.block_lr.size() != block_names.size())
    throw core::InputError(fmt::format("block_lr: {} factors; expected {}, one per block ({})", o.block_lr.size(),
                                       block_names.size(), fmt::join(block_names, ", ")));
  for (const double f : o.block_lr)
    if (!(f >= 0) || !std::isfinite(f)) throw core::InputError(fmt::format("block_lr: factor {}; expected ≥ 0", f));
  if (train.n == 0) throw core::InputError("training set is empty; expected at least one image");
  // The data follow the model: on a GPU the (small) sets are moved there once.
  const auto params_all = model.parameters();
  const torch::Device device = params_all.empty() ? torch::Device(torch::kCPU) : params_all.front().device();
  const torch::Tensor x = to_tensor(train).to(device), x_test = to_tensor(test).to(device);
  const torch::Tensor y = torch::tensor(train.labels, torch::kLong).to(device);
  const torch::Tensor y_test = torch::tensor(test.labels, torch::kLong).to(device);
  const torch::Tensor x_val = val.n > 0 ? to_tensor(val).to(device) : torch::Tensor();
  const torch::Tensor y_val = val.n > 0 ? torch::tensor(val.labels, torch::kLong).to(device) : torch::Tensor();

  core::Rng rng = core::Rng::stream(o.seed, core::Stream::deep_training);
  torch::manual_seed(o.seed);
  const int batches = static_cast<int>((train.n + o.batch_size - 1) / o.batch_size);
  // Phases: linear probing (head only) for probe_epochs, then fine-tuning; each has its own
  // optimizer and cosine schedule.
  std::unique_ptr<torch::optim::Optimizer> opt;
  std::vector<double> factors;
  double phase_steps = 0.0;
  int phase_step = 0;
  const auto start_phase = [&](bool head_only, int epochs) {
    const Groups g = groups_of(model, o, head_only);
    opt = optimizer_of(g, o);
    factors = factors_of(g);
    phase_steps = static_cast<double>(batches) * epochs;
    phase_step = 0;
  };
  std::vector<EpochRecord> records;
  int step = 0;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const bool probing = epoch <= o.probe_epochs;
    if (epoch == 1) start_phase(probing, probing ? o.probe_epochs : o.epochs);
    if (epoch == o.probe_epochs + 1 && o.probe_epochs > 0) start_phase(false, o.epochs - o.probe_epochs);
    model.train();
    if (probing)  // a linear probe reads fixed features: BatchNorm statistics of the backbone stay put
      for (auto& child : model.named_children())
        if (child.key() != "head") child.value()->eval();
    const auto start = std::chrono::steady_clock::now();
    // Shuffle with our own stream, so the order is the same on every platform.
    std::vector<std::int64_t> order(static_cast<std::size_t>(train.n));
    for (std::int64_t i = 0; i < train.n; ++i) order[static_cast<std::size_t>(i)] = i;
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    const auto perm = torch::tensor(order, torch::kLong).to(device);
    // Epoch sums stay on the device (one synchronisation per epoch, not per batch).
    const auto on_device = torch::TensorOptions().device(device);
    auto loss_sum = torch::zeros({}, on_device.dtype(torch::kDouble));
    auto correct = torch::zeros({}, on_device.dtype(torch::kLong));
    std::int64_t seen = 0;  // images trained this epoch (train.n unless stopped early)
    for (int b = 0; b < batches; ++b) {
      const auto idx = perm.slice(0, static_cast<std::int64_t>(b) * o.batch_size,
                                  std::min<std::int64_t>(static_cast<std::int64_t>(b + 1) * o.batch_size, train.n));
      torch::Tensor xb = x.index_select(0, idx);
      const torch::Tensor yb = y.index_select(0, idx);
      if (o.augment) xb = augment(xb, rng);
      if (o.input_noise > 0) xb = xb + o.input_noise * torch::randn_like(xb);
      if (o.cosine) {
        const double lr = 0.5 * o.lr * (1.0 + std::cos(std::numbers::pi * phase_step / phase_steps));
        auto& groups = opt->param_groups();
        for (std::size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(lr * factors[i]);
      }
      opt->zero_grad();
      const auto logits = model.forward(xb);
      const auto loss = torch::nn::functional::cross_entropy(logits, yb);
      loss.backward();
      if (o.l2sp > 0) {
        // L2-SP: ∇ of (λ_SP/2)‖mask ⊙ (w − w_anchor)‖², added to the loss gradient.
        torch::NoGradGuard no_grad;
        for (const Anchor& a : anchors)
          if (a.param.grad().defined()) a.param.mutable_grad().add_(a.mask * (a.param - a.value), o.l2sp);
      }
      opt->step();
      ++step;
      ++phase_step;
      seen += idx.size(0);
      loss_sum += loss.detach().to(torch::kDouble) * static_cast<double>(idx.size(0));
      correct += (logits.argmax(1) == yb).sum();
      if (progress) progress(epoch, b + 1, batches);
      if (o.stop_after_steps > 0 && step >= o.stop_after_steps) break;
    }
    const bool stopped = o.stop_after_steps > 0 && step >= o.stop_after_steps;
    const double loss_total = loss_sum.item<double>();  // waits for the device: the epoch is done
    const auto correct_total = correct.item<std::int64_t>();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const bool evaluate = epoch % o.eval_every == 0 || epoch == o.epochs || stopped;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    records.push_back({epoch, loss_total / static_cast<double>(seen), static_cast<double>(correct_total) / static_cast<double>(seen),
                       evaluate && test.n > 0 ? accuracy(model, x_test, y_test) : nan,
                       evaluate && val.n > 0 ? accuracy(model, x_val, y_val) : nan,
                       static_cast<double>(seen) / seconds});
    if (stopped) break;
  }
  return records;
}

}  // namespace ptlab::train::deep
