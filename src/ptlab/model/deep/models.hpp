#pragma once
// Deep models for the real-data half (docs/design.md §3), in LibTorch's C++ frontend. LibTorch headers
// stay inside the deep half: only files under */deep/ include this.
//
// Every model maps images N × C × H × W (C = 1 or 3) to logits N × classes and registers its
// layers under stable names ("stem", "stage1.0.conv1", "head", …) that transfer/deep matches.
// The classifier is always the submodule "head", the last layer.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace ptlab::model::deep {

/// Architectures:
///   resnet8, resnet20   CIFAR-style ResNet (He et al. 2016, §4.2): 3 stages of 1 or 3 basic blocks,
///                       16/32/64 channels
///   resnet18            ResNet-18 (He et al. 2016), 64…512 channels, with a 3 × 3 stride-1 stem for small
///                       images (stem "small") or torchvision's ImageNet stem (stem "imagenet": 7 × 7
///                       stride-2 padding-3 conv, BatchNorm, ReLU, 3 × 3 stride-2 padding-1 max-pool),
///                       whose tensors take torchvision's resnet18 weights whole (transfer/deep/torchvision.hpp)
///   vgg11, vgg16        VGG-11/16 with BatchNorm (Simonyan & Zisserman 2015), global average pooling
///   vit                 a small ViT (Dosovitskiy et al. 2021; DeiT-tiny style, pre-norm): patch 4,
///                       width 96, depth 4, 3 heads
struct ModelSpec {
  std::string arch = "resnet8";
  int in_channels = 1;
  int classes = 10;
  int image_size = 28;  ///< H = W (ViT needs it for its position embedding; multiple of 4)
  std::string stem = "small";  ///< "small" (every arch) or "imagenet" (resnet18 only; see above)
};

/// The model's blocks in forward order, for first-k transfer (AnB): e.g. resnet8
/// {"stem", "stage1.0", "stage2.0", "stage3.0", "head"}. A parameter belongs to the first block
/// whose name prefixes it.
struct Blocks {
  std::vector<std::string> names;
};

/// A model built from a spec: forward() gives logits.
class Net : public torch::nn::Module {
 public:
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  /// The penultimate features, N × F: what the head maps to logits (forward(x) = head(features(x))
  /// exactly). F is the last stage's width after global average pooling (ResNet, VGG) or the
  /// normalised class token (ViT). For transferability scores (score/).
  virtual torch::Tensor features(torch::Tensor x) = 0;
  virtual Blocks blocks() const = 0;
  /// The output of every block but the head, in blocks() order, each as N × C × … (channels in
  /// dim 1; a ViT's L × N × E tokens come as N × E × L). For activation-based channel selection.
  virtual std::vector<torch::Tensor> block_outputs(torch::Tensor x) = 0;
};

/// Builds the model; throws core::InputError for an unknown architecture or stem, the "imagenet"
/// stem on another architecture than resnet18, or an image size ViT cannot patch.
std::shared_ptr<Net> make_model(const ModelSpec& spec);

/// The architectures make_model knows, in documentation order.
const std::vector<std::string>& architectures();

}  // namespace ptlab::model::deep
