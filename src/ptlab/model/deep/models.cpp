#include "ptlab/model/deep/models.hpp"

#include <fmt/format.h>

#include <cmath>

#include "ptlab/core/error.hpp"

namespace ptlab::model::deep {
namespace nn = torch::nn;

namespace {

nn::Conv2d conv3x3(int in, int out, int stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

// Basic residual block (He et al. 2016): conv-BN-ReLU-conv-BN plus the shortcut, then ReLU.
struct BasicBlockImpl : nn::Module {
  BasicBlockImpl(int in, int out, int stride)
      : conv1(register_module("conv1", conv3x3(in, out, stride))),
        bn1(register_module("bn1", nn::BatchNorm2d(out))),
        conv2(register_module("conv2", conv3x3(out, out))),
        bn2(register_module("bn2", nn::BatchNorm2d(out))),
        shortcut(register_module("shortcut", nn::Sequential())) {
    if (stride != 1 || in != out) {
      shortcut->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
      shortcut->push_back(nn::BatchNorm2d(out));
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    auto y = torch::relu(bn1(conv1(x)));
    y = bn2(conv2(y));
    return torch::relu(y + (shortcut->is_empty() ? x : shortcut->forward(x)));
  }
  nn::Conv2d conv1;
  nn::BatchNorm2d bn1;
  nn::Conv2d conv2;
  nn::BatchNorm2d bn2;
  nn::Sequential shortcut;
};
TORCH_MODULE(BasicBlock);

class ResNet final : public Net {
 public:
  ResNet(const ModelSpec& spec, const std::vector<int>& widths, const std::vector<int>& depths) {
    // Names stem.0 (conv) and stem.1 (BatchNorm) in both stems: torchvision's conv1 and bn1.
    stem_ = spec.stem == "imagenet"
                ? register_module("stem", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(spec.in_channels, widths[0], 7)
                                                                        .stride(2).padding(3).bias(false)),
                                                         nn::BatchNorm2d(widths[0]), nn::ReLU(),
                                                         nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1))))
                : register_module("stem", nn::Sequential(conv3x3(spec.in_channels, widths[0]), nn::BatchNorm2d(widths[0]),
                                                         nn::ReLU()));
    blocks_.names = {"stem"};
    int in = widths[0];
    for (std::size_t s = 0; s < widths.size(); ++s) {
      nn::Sequential stage;
      for (int b = 0; b < depths[s]; ++b) {
        stage->push_back(BasicBlock(in, widths[s], b == 0 && s > 0 ? 2 : 1));
        in = widths[s];
        blocks_.names.push_back(fmt::format("stage{}.{}", s + 1, b));
      }
      stages_.push_back(register_module(fmt::format("stage{}", s + 1), stage));
    }
    head_ = register_module("head", nn::Linear(in, spec.classes));
    blocks_.names.push_back("head");
  }
  torch::Tensor forward(torch::Tensor x) override { return head_(features(x)); }
  torch::Tensor features(torch::Tensor x) override {
    x = stem_->forward(x);
    for (auto& s : stages_) x = s->forward(x);
    return torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  }
  Blocks blocks() const override { return blocks_; }
  std::vector<torch::Tensor> block_outputs(torch::Tensor x) override {
    std::vector<torch::Tensor> out{x = stem_->forward(x)};
    for (auto& s : stages_)
      for (auto& block : *s) out.push_back(x = block.forward(x));
    return out;
  }

 private:
  nn::Sequential stem_{nullptr};
  std::vector<nn::Sequential> stages_;
  nn::Linear head_{nullptr};
  Blocks blocks_;
};

// VGG with BatchNorm; a stage ends at each max-pool, and pools that would shrink the image below
// 2 × 2 are skipped (small inputs such as 28 × 28). Global average pooling before the head.
class Vgg final : public Net {
 public:
  Vgg(const ModelSpec& spec, const std::vector<int>& config) {
    int in = spec.in_channels, size = spec.image_size, s = 1;
    nn::Sequential stage;
    const auto close = [&] {
      const std::string name = fmt::format("stage{}", s++);
      stages_.push_back(register_module(name, stage));
      blocks_.names.push_back(name);
      stage = nn::Sequential();
    };
    for (const int c : config) {
      if (c == 0) {  // max-pool
        if (size >= 4) {
          stage->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
          size /= 2;
        }
        close();
        continue;
      }
      stage->push_back(conv3x3(in, c));
      stage->push_back(nn::BatchNorm2d(c));
      stage->push_back(nn::ReLU());
      in = c;
    }
    if (!stage->is_empty()) close();
    head_ = register_module("head", nn::Linear(in, spec.classes));
    blocks_.names.push_back("head");
  }
  torch::Tensor forward(torch::Tensor x) override { return head_(features(x)); }
  torch::Tensor features(torch::Tensor x) override {
    for (auto& s : stages_) x = s->forward(x);
    return torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
  }
  Blocks blocks() const override { return blocks_; }
  std::vector<torch::Tensor> block_outputs(torch::Tensor x) override {
    std::vector<torch::Tensor> out;
    for (auto& s : stages_) out.push_back(x = s->forward(x));
    return out;
  }

 private:
  std::vector<nn::Sequential> stages_;
  nn::Linear head_{nullptr};
  Blocks blocks_;
};

// Multi-head self-attention with nn.MultiheadAttention's parameter names (in_proj_weight 3E × E,
// in_proj_bias, out_proj), computed with batched matrix products as PyTorch-Python 1.13's
// F.multi_head_attention_forward does; the C++ frontend's module is about 10% slower here.
struct SelfAttentionImpl : nn::Module {
  SelfAttentionImpl(int width, int heads)
      : heads(heads),
        in_proj_weight(register_parameter("in_proj_weight", torch::empty({3 * width, width}))),
        in_proj_bias(register_parameter("in_proj_bias", torch::zeros({3 * width}))),
        out_proj(register_module("out_proj", nn::Linear(width, width))) {
    nn::init::xavier_uniform_(in_proj_weight);
    nn::init::zeros_(out_proj->bias);
  }
  torch::Tensor forward(const torch::Tensor& x) {  // x: L × N × E
    const auto L = x.size(0), N = x.size(1), E = x.size(2), d = E / heads;
    // chunk + contiguous per part measured about 10% faster here than one packed copy of q/k/v
    // (PyTorch-Python's in_projection_packed), 4 interleaved runs each.
    const auto qkv = torch::nn::functional::linear(x, in_proj_weight, in_proj_bias).chunk(3, -1);
    const auto split = [&](const torch::Tensor& t) { return t.contiguous().view({L, N * heads, d}).transpose(0, 1); };
    const auto q = split(qkv[0]) * (1.0 / std::sqrt(static_cast<double>(d)));
    const auto scores = torch::softmax(torch::bmm(q, split(qkv[1]).transpose(1, 2)), -1);
    const auto out = torch::bmm(scores, split(qkv[2])).transpose(0, 1).contiguous().view({L, N, E});
    return out_proj(out);
  }
  int heads;
  torch::Tensor in_proj_weight, in_proj_bias;
  nn::Linear out_proj;
};
TORCH_MODULE(SelfAttention);

// Pre-norm transformer block (DeiT): x + MHA(LN(x)), then x + MLP(LN(x)).
struct EncoderBlockImpl : nn::Module {
  EncoderBlockImpl(int width, int heads)
      : norm1(register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({width})))),
        attn(register_module("attn", SelfAttention(width, heads))),
        norm2(register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({width})))),
        fc1(register_module("fc1", nn::Linear(width, 4 * width))),
        fc2(register_module("fc2", nn::Linear(4 * width, width))) {}
  torch::Tensor forward(torch::Tensor x) {  // x: L × N × E
    x = x + attn(norm1(x));
    return x + fc2(torch::gelu(fc1(norm2(x))));
  }
  nn::LayerNorm norm1;
  SelfAttention attn;
  nn::LayerNorm norm2;
  nn::Linear fc1, fc2;
};
TORCH_MODULE(EncoderBlock);

struct EmbedImpl : nn::Module {
  EmbedImpl(int in, int width, int patch, int tokens)
      : proj(register_module("proj", nn::Conv2d(nn::Conv2dOptions(in, width, patch).stride(patch)))),
        cls_token(register_parameter("cls_token", torch::zeros({1, 1, width}))),
        pos_embed(register_parameter("pos_embed", 0.02 * torch::randn({1, tokens + 1, width}))) {}
  torch::Tensor forward(torch::Tensor x) {  // → N × (tokens + 1) × E
    x = proj(x).flatten(2).transpose(1, 2);
    return torch::cat({cls_token.expand({x.size(0), 1, x.size(2)}), x}, 1) + pos_embed;
  }
  nn::Conv2d proj;
  torch::Tensor cls_token, pos_embed;
};
TORCH_MODULE(Embed);

class Vit final : public Net {
 public:
  explicit Vit(const ModelSpec& spec, int width = 96, int depth = 4, int heads = 3, int patch = 4) {
    if (spec.image_size % patch != 0)
      throw core::InputError(fmt::format("model vit: image size {} is not a multiple of the patch size {}",
                                         spec.image_size, patch));
    const int tokens = (spec.image_size / patch) * (spec.image_size / patch);
    embed_ = register_module("embed", Embed(spec.in_channels, width, patch, tokens));
    blocks_.names = {"embed"};
    for (int b = 0; b < depth; ++b) {
      layers_.push_back(register_module(fmt::format("blocks{}", b), EncoderBlock(width, heads)));
      blocks_.names.push_back(fmt::format("blocks{}", b));
    }
    norm_ = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({width})));
    head_ = register_module("head", nn::Linear(width, spec.classes));
    blocks_.names.push_back("norm");
    blocks_.names.push_back("head");
  }
  torch::Tensor forward(torch::Tensor x) override { return head_(features(x)); }
  torch::Tensor features(torch::Tensor x) override {
    x = embed_(x).transpose(0, 1);  // L × N × E for MultiheadAttention
    for (auto& b : layers_) x = b(x);
    return norm_(x[0]);  // the class token
  }
  Blocks blocks() const override { return blocks_; }
  std::vector<torch::Tensor> block_outputs(torch::Tensor x) override {
    x = embed_(x);  // N × L × E
    std::vector<torch::Tensor> out{x.transpose(1, 2)};
    x = x.transpose(0, 1);
    for (auto& b : layers_) out.push_back((x = b(x)).permute({1, 2, 0}));
    out.push_back(norm_(x).permute({1, 2, 0}));
    return out;
  }

 private:
  Embed embed_{nullptr};
  std::vector<EncoderBlock> layers_;
  nn::LayerNorm norm_{nullptr};
  nn::Linear head_{nullptr};
  Blocks blocks_;
};

}  // namespace

const std::vector<std::string>& architectures() {
  static const std::vector<std::string> names = {"resnet8", "resnet20", "resnet18", "vgg11", "vgg16", "vit"};
  return names;
}

std::shared_ptr<Net> make_model(const ModelSpec& spec) {
  if (spec.in_channels != 1 && spec.in_channels != 3)
    throw core::InputError(fmt::format("model: {} input channels; expected 1 or 3", spec.in_channels));
  if (spec.classes < 2) throw core::InputError(fmt::format("model: {} classes; expected at least 2", spec.classes));
  if (spec.stem != "small" && spec.stem != "imagenet")
    throw core::InputError(fmt::format("model.stem = \"{}\": expected \"small\" or \"imagenet\"", spec.stem));
  if (spec.stem == "imagenet" && spec.arch != "resnet18")
    throw core::InputError(fmt::format("model.stem = \"imagenet\": torchvision's ResNet stem is for resnet18 only; "
                                       "expected \"small\" for {}", spec.arch));
  if (spec.arch == "resnet8") return std::make_shared<ResNet>(spec, std::vector<int>{16, 32, 64}, std::vector<int>{1, 1, 1});
  if (spec.arch == "resnet20") return std::make_shared<ResNet>(spec, std::vector<int>{16, 32, 64}, std::vector<int>{3, 3, 3});
  if (spec.arch == "resnet18")
    return std::make_shared<ResNet>(spec, std::vector<int>{64, 128, 256, 512}, std::vector<int>{2, 2, 2, 2});
  if (spec.arch == "vgg11") return std::make_shared<Vgg>(spec, std::vector<int>{64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0});
  if (spec.arch == "vgg16")
    return std::make_shared<Vgg>(spec, std::vector<int>{64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0});
  if (spec.arch == "vit") return std::make_shared<Vit>(spec);
  std::string known;
  for (const auto& a : architectures()) known += (known.empty() ? "" : ", ") + a;
  throw core::InputError(fmt::format("model: unknown architecture '{}'; expected one of {}", spec.arch, known));
}

}  // namespace ptlab::model::deep
