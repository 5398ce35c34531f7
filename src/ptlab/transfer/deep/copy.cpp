#include "ptlab/transfer/deep/copy.hpp"

#include <fmt/format.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include "ptlab/core/error.hpp"
#include "ptlab/core/hash.hpp"
#include "ptlab/core/rng.hpp"
#include "ptlab/transfer/deep/pickle_dicts.hpp"
#include "ptlab/transfer/deep/torchvision.hpp"

namespace ptlab::transfer::deep {
namespace {

// Channel streams are seeded through the deep half's hash basis (see core/hash.hpp).
std::uint64_t fnv1a(const std::string& s) { return core::fnv1a(s, core::kDeepHashBasis); }

bool has_prefix(const std::string& name, const std::string& prefix) {
  return name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 && name[prefix.size()] == '.';
}

// Index of the block owning `name`, or −1.
int block_of(const std::string& name, const model::deep::Blocks& blocks) {
  for (std::size_t b = 0; b < blocks.names.size(); ++b)
    if (has_prefix(name, blocks.names[b])) return static_cast<int>(b);
  return -1;
}

// ⌊α·C⌋ distinct channels of C, uniformly, from a stream fixed by (seed, block, C).
std::vector<std::int64_t> choose_channels(std::int64_t C, double alpha, std::uint64_t seed, int block) {
  core::Rng rng(core::splitmix64(seed ^ fnv1a(fmt::format("{}/{}", block, C))));
  std::vector<std::int64_t> all(static_cast<std::size_t>(C));
  for (std::int64_t c = 0; c < C; ++c) all[static_cast<std::size_t>(c)] = c;
  const auto k = static_cast<std::int64_t>(std::floor(alpha * static_cast<double>(C) + 1e-9));
  for (std::int64_t i = 0; i < k; ++i) {
    const auto j = i + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(C - i)));
    std::swap(all[static_cast<std::size_t>(i)], all[static_cast<std::size_t>(j)]);
  }
  all.resize(static_cast<std::size_t>(k));
  return all;
}

// The ⌊α·C⌋ channels of highest score (ties: lower index first).
std::vector<std::int64_t> top_channels(const torch::Tensor& score, double alpha) {
  const auto C = score.numel();
  const auto k = static_cast<std::int64_t>(std::floor(alpha * static_cast<double>(C) + 1e-9));
  const auto s = score.to(torch::kCPU, torch::kDouble).contiguous();
  const double* v = s.data_ptr<double>();
  std::vector<std::int64_t> order(static_cast<std::size_t>(C));
  for (std::int64_t c = 0; c < C; ++c) order[static_cast<std::size_t>(c)] = c;
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) { return v[a] > v[b]; });
  order.resize(static_cast<std::size_t>(k));
  return order;
}

}  // namespace

std::map<std::string, torch::Tensor> channel_scores(model::deep::Net& model, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  const auto outputs = model.block_outputs(x);
  model.train(was_training);
  const auto names = model.blocks().names;
  std::map<std::string, torch::Tensor> scores;
  for (std::size_t b = 0; b < outputs.size() && b < names.size(); ++b) {
    std::vector<std::int64_t> dims;
    for (std::int64_t d = 0; d < outputs[b].dim(); ++d)
      if (d != 1) dims.push_back(d);
    scores[names[b]] = outputs[b].abs().mean(dims).cpu();
  }
  return scores;
}

std::int64_t Report::copied() const {
  std::int64_t s = 0;
  for (const auto& t : tensors) s += t.copied;
  return s;
}

std::int64_t Report::total() const {
  std::int64_t s = 0;
  for (const auto& t : tensors) s += t.total;
  return s;
}

std::string Report::text() const {
  std::string out;
  for (const auto& t : tensors) {
    std::string shape;
    for (const auto d : t.shape) {
      if (!shape.empty()) shape += 'x';
      shape += std::to_string(d);
    }
    out += fmt::format("{:<40} {:>16} {:>10}/{:<10} {}\n", t.name, shape.empty() ? "scalar" : shape, t.copied, t.total,
                       t.note);
  }
  for (const auto& n : unmatched_source) out += fmt::format("{:<40} (in the source only; not used)\n", n);
  out += fmt::format("copied {} of {} entries ({:.1f}%)\n", copied(), total(),
                     total() > 0 ? 100.0 * static_cast<double>(copied()) / static_cast<double>(total()) : 0.0);
  return out;
}

State state_of(const torch::nn::Module& module) {
  State s;
  for (const auto& p : module.named_parameters(true)) s[p.key()] = p.value().detach();
  for (const auto& b : module.named_buffers(true)) s[b.key()] = b.value().detach();
  return s;
}

Report transfer(const State& source, torch::nn::Module& target, const model::deep::Blocks& blocks, const Options& o) {
  if (!(o.alpha >= 0.0 && o.alpha <= 1.0))
    throw core::InputError(fmt::format("transfer alpha {}; expected a value in [0, 1]", o.alpha));
  if (o.rule == Rule::blocks && (o.blocks < 0 || o.blocks > static_cast<int>(blocks.names.size())))
    throw core::InputError(fmt::format("transfer blocks {}; expected 0 to {} (the model's blocks)", o.blocks,
                                       blocks.names.size()));
  torch::NoGradGuard no_grad;
  Report report;
  State targets;
  for (const auto& p : target.named_parameters(true)) targets[p.key()] = p.value();
  for (const auto& b : target.named_buffers(true)) targets[b.key()] = b.value();
  for (const auto& [name, src] : source)
    if (!targets.count(name)) report.unmatched_source.push_back(name);
  for (auto& [name, dst] : targets) {
    TensorReport t{name, dst.sizes().vec(), 0, dst.numel(), ""};
    const auto it = source.find(name);
    const int block = block_of(name, blocks);
    const bool head = has_prefix(name, "head");
    if (it == source.end()) {
      t.note = "not in source";
    } else if (it->second.sizes() != dst.sizes()) {
      t.note = "shape mismatch: source " + fmt::format("{}", fmt::join(it->second.sizes().vec(), "x"));
      report.mis_shaped.push_back(name);
    } else if (head && !o.copy_head) {
      t.note = "head: not copied";
    } else {
      const torch::Tensor src = it->second.to(dst.device(), dst.scalar_type());
      switch (o.rule) {
        case Rule::all:
          dst.copy_(src);
          t.copied = dst.numel();
          t.inherited = torch::ones_like(dst, dst.options().dtype(torch::kFloat));
          break;
        case Rule::blocks:
          if (block >= 0 && block < o.blocks) {
            dst.copy_(src);
            t.copied = dst.numel();
            t.inherited = torch::ones_like(dst, dst.options().dtype(torch::kFloat));
          } else {
            t.note = "beyond the first k blocks";
          }
          break;
        case Rule::channel:
          if (dst.dim() == 0) {  // counters such as num_batches_tracked move with any copy
            if (o.alpha > 0) {
              dst.copy_(src);
              t.copied = 1;
              t.inherited = torch::ones_like(dst, dst.options().dtype(torch::kFloat));
            }
          } else if (dst.dim() > 1 && dst.size(0) == 1) {
            // A broadcast leading dimension (a ViT's 1 × 1 × E class token, 1 × L × E position
            // embedding): the channels are the last dimension, the embedding width.
            const auto channels = choose_channels(dst.size(-1), o.alpha, o.seed, block);
            if (!channels.empty()) {
              const auto idx = torch::tensor(channels, torch::kLong).to(dst.device());
              dst.index_copy_(dst.dim() - 1, idx, src.index_select(dst.dim() - 1, idx));
              t.copied = static_cast<std::int64_t>(channels.size()) * (dst.numel() / dst.size(-1));
              t.inherited = torch::zeros_like(dst, dst.options().dtype(torch::kFloat)).index_fill_(dst.dim() - 1, idx, 1.0);
            }
            t.note = "channels along the last dimension";
          } else {
            const auto scored = block >= 0 ? o.scores.find(blocks.names[static_cast<std::size_t>(block)]) : o.scores.end();
            const bool by_activation = scored != o.scores.end() && scored->second.numel() == dst.size(0);
            if (!o.scores.empty())
              t.note = by_activation ? "channels by activation"
                                     : fmt::format("channels random (no activation score for {} channels)", dst.size(0));
            const auto channels = by_activation ? top_channels(scored->second, o.alpha)
                                                : choose_channels(dst.size(0), o.alpha, o.seed, block);
            if (!channels.empty()) {
              const auto idx = torch::tensor(channels, torch::kLong).to(dst.device());
              dst.index_copy_(0, idx, src.index_select(0, idx));
              t.copied = static_cast<std::int64_t>(channels.size()) * (dst.numel() / dst.size(0));
              t.inherited = torch::zeros_like(dst, dst.options().dtype(torch::kFloat)).index_fill_(0, idx, 1.0);
            }
          }
          break;
        case Rule::entry: {
          auto gen = at::make_generator<at::CPUGeneratorImpl>(core::splitmix64(o.seed ^ fnv1a(name)));
          const auto mask = torch::rand(dst.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat)) < o.alpha;
          dst.copy_(torch::where(mask.to(dst.device()), src, dst));
          t.copied = mask.sum().item<std::int64_t>();
          if (t.copied > 0) t.inherited = mask.to(dst.device(), torch::kFloat);
          break;
        }
      }
    }
    report.tensors.push_back(std::move(t));
  }
  return report;
}

void save_state(const torch::nn::Module& module, const std::string& path) {
  c10::Dict<std::string, torch::Tensor> dict;
  for (const auto& [name, tensor] : state_of(module)) dict.insert(name, tensor.cpu());
  const std::vector<char> bytes = torch::pickle_save(dict);
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw core::IoError(fmt::format("{}: cannot write the weights archive", path));
}

namespace {

// torch::pickle_load's steps (torch/csrc/jit/serialization/pickle.cpp and import_read.cpp, 1.13):
// the zip's data.pkl unpickled with tensor storages read from its data/ records, with the pickle
// first made readable (pickle_dicts.hpp: torch.save's OrderedDicts and one-entry dictionaries).
c10::IValue unpickle(const std::vector<char>& bytes) {
  caffe2::serialize::PyTorchStreamReader zip(
      std::make_shared<caffe2::serialize::MemoryReadAdapter>(bytes.data(), static_cast<off_t>(bytes.size())));
  const auto [pickle_ptr, pickle_size] = zip.getRecord("data.pkl");
  const std::string_view original(static_cast<const char*>(pickle_ptr.get()), pickle_size);
  const std::optional<std::string> rewritten = readable_by_libtorch(original);
  const std::string_view pickle = rewritten ? std::string_view(*rewritten) : original;
  std::size_t read = 0;
  torch::jit::Unpickler unpickler(
      [&](char* buffer, std::size_t n) {
        n = std::min(n, pickle.size() - read);
        std::copy_n(pickle.data() + read, n, buffer);
        read += n;
        return n;
      },
      nullptr, nullptr, [&](const std::string& name) { return std::get<0>(zip.getRecord("data/" + name)); },
      c10::nullopt);
  unpickler.set_version(zip.version());
  return unpickler.parse_ivalue();
}

// LibTorch 1.13's unpickler trusts the opcode stream of an archive: a malformed one can corrupt
// the heap instead of throwing (found by tests/fuzz/weights_fuzz.cpp: a BUILD opcode on a short
// stack ends in "free(): invalid size"). So an archive is first read in a forked child, which
// only loads it and exits; ptlab reads it itself only once the child came back cleanly (an
// exception there is fine: it comes back here as one). Returns the signal that killed the child,
// or 0. A child that hangs is killed after kProbeSeconds and the archive read directly.
int signal_reading_in_child(const std::vector<char>& bytes) {
  constexpr int kProbeSeconds = 30;
  const pid_t pid = ::fork();
  if (pid < 0) return 0;  // cannot probe: read it directly
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);  // glibc's abort message is not ptlab's to print
    if (null >= 0) ::dup2(null, 2);
    try {
      (void)unpickle(bytes);
    } catch (...) {
    }
    ::_exit(0);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kProbeSeconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

}  // namespace

namespace {

constexpr const char* kExpectedArchive = "expected a file from ptlab or torch.save(model.state_dict(), path)";

// What an IValue is, in Python's words, for messages.
std::string python_kind(const c10::IValue& v) {
  if (v.isTensor()) return "a tensor";
  if (v.isGenericDict()) return v.toGenericDict().empty() ? "an empty dict" : "a dict";
  if (v.isList()) return "a list";
  if (v.isTuple()) return "a tuple";
  if (v.isString()) return "a string";
  if (v.isInt()) return "an int";
  if (v.isDouble()) return "a float";
  if (v.isBool()) return "a bool";
  if (v.isNone()) return "None";
  return std::string("a ") + v.tagKind();
}

// LibTorch's reason for refusing an archive, as one line a user can act on.
std::string unpickling_problem(std::string why) {
  why = why.substr(0, why.find('\n'));
  // "[enforce fail at inline_container.cc:129] . file in archive is not in a subdirectory": a zip
  // of something else.
  if (why.rfind("[enforce fail", 0) == 0) {
    const std::size_t dot = why.find("] . ");
    return "a zip file, but not torch.save's: " + (dot == std::string::npos ? why : why.substr(dot + 4));
  }
  for (const std::string prefix : {"Unpickler found unknown type ", "Unknown pickler class id"}) {
    if (why.rfind(prefix, 0) != 0) continue;
    const std::string type = why.substr(prefix.size());
    if (type == "torch._utils._rebuild_parameter")
      return "it holds nn.Parameter objects; save tensors: {name: p.detach() for name, p in ...}";
    if (type.rfind("__torch__.", 0) == 0) return "a TorchScript file (torch.jit.save), not a state_dict";
    return fmt::format("it holds a Python object of type {} (a pickled module or class?), which LibTorch cannot read; "
                       "save model.state_dict()", type);
  }
  return why;
}

}  // namespace

State load_state(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw core::InputError(fmt::format("{}: is a directory; expected a weights archive (ptlab or torch.save)", path));
  if (!std::filesystem::is_regular_file(path, ec))
    throw core::InputError(fmt::format("{}: no such file; expected a weights archive (ptlab or torch.save)", path));
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw core::InputError(fmt::format("{}: empty file; {}", path, kExpectedArchive));
  // torch.save writes a zip ("PK"); before PyTorch 1.6 (or with _use_new_zipfile_serialization =
  // False) a bare pickle stream, which LibTorch does not read.
  if (bytes.size() < 2 || bytes[0] != 'P' || bytes[1] != 'K') {
    if (static_cast<unsigned char>(bytes[0]) == 0x80)
      throw core::InputError(fmt::format("{}: torch.save's legacy format (_use_new_zipfile_serialization=False or "
                                         "PyTorch < 1.6), which LibTorch cannot read; expected the zip format: load it "
                                         "in Python and torch.save it again with the defaults", path));
    throw core::InputError(fmt::format("{}: not a weights archive (not a zip file); {}", path, kExpectedArchive));
  }
  if (const int signal = signal_reading_in_child(bytes); signal != 0)
    throw core::InputError(fmt::format("{}: not a weights archive (LibTorch's reader crashed on it: {}); {}", path,
                                       strsignal(signal), kExpectedArchive));
  c10::IValue value;
  try {
    value = unpickle(bytes);
  } catch (const std::exception& e) {
    throw core::InputError(
        fmt::format("{}: not a weights archive ({}); {}", path, unpickling_problem(e.what()), kExpectedArchive));
  }
  if (!value.isGenericDict())
    throw core::InputError(fmt::format("{}: holds {}; expected a name → tensor dictionary (a state_dict)", path,
                                       python_kind(value)));
  // A state_dict: string keys, tensor values, and at least one tensor that is not a scalar (a
  // dict of scalar tensors is a checkpoint's metrics, not a model).
  const auto is_state = [](const c10::IValue& v) {
    if (!v.isGenericDict()) return false;
    bool shaped = false;
    for (const auto& entry : v.toGenericDict()) {
      if (!entry.key().isString() || !entry.value().isTensor()) return false;
      shaped = shaped || entry.value().toTensor().dim() > 0;
    }
    return shaped;
  };
  c10::IValue chosen = value;
  if (!is_state(value)) {
    // A training checkpoint ({'epoch': …, 'state_dict': model.state_dict(), 'optimizer': …}):
    // the one entry that is a name → tensor dictionary is the model's.
    std::vector<std::string> candidates;
    for (const auto& entry : value.toGenericDict())
      if (entry.key().isString() && is_state(entry.value())) {
        candidates.push_back(entry.key().toStringRef());
        chosen = entry.value();
      }
    if (candidates.size() > 1)
      throw core::InputError(fmt::format("{}: entries {} each hold a state_dict; expected a checkpoint with exactly one "
                                         "(save the one to import: torch.save(ckpt['{}'], path))",
                                         path, fmt::join(candidates, ", "), candidates.front()));
    if (candidates.empty()) {
      // Name what is in the way: the first entry that is not name → tensor.
      std::string first;
      for (const auto& entry : value.toGenericDict()) {
        if (entry.key().isString() && entry.value().isTensor()) continue;
        first = entry.key().isString() ? fmt::format("entry '{}' is {}", entry.key().toStringRef(), python_kind(entry.value()))
                                       : fmt::format("a key is {}", python_kind(entry.key()));
        break;
      }
      if (value.toGenericDict().empty()) first = "the dictionary is empty";
      else if (first.empty()) first = "its tensors are all scalars";
      throw core::InputError(fmt::format("{}: {}, and no entry holds a state_dict; expected a state_dict (name → "
                                         "tensor) or a checkpoint with exactly one",
                                         path, first));
    }
  }
  State s;
  for (const auto& entry : chosen.toGenericDict()) s[entry.key().toStringRef()] = entry.value().toTensor();
  return s;
}

Archive load_archive(const std::string& path) {
  Archive a{load_state(path), false, ""};
  // nn.DataParallel and DistributedDataParallel save every name under "module.".
  constexpr std::string_view kWrapped = "module.";
  if (std::all_of(a.state.begin(), a.state.end(), [&](const auto& e) { return e.first.rfind(kWrapped, 0) == 0; })) {
    State unwrapped;
    for (auto& [name, tensor] : a.state) unwrapped[name.substr(kWrapped.size())] = std::move(tensor);
    a.state = std::move(unwrapped);
    a.note = "the \"module.\" prefix of nn.DataParallel removed from every name";
  }
  std::vector<std::string> names;
  for (const auto& [name, tensor] : a.state) names.push_back(name);
  if (!is_torchvision_resnet(names)) return a;
  State mapped;
  for (auto& [name, tensor] : a.state) mapped[from_torchvision_resnet(name)] = std::move(tensor);
  return {std::move(mapped), true, a.note};
}

}  // namespace ptlab::transfer::deep
