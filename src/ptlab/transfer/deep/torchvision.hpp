#pragma once
// Reading torchvision's ResNet weights (torch.save(torchvision.models.resnet18(weights=…).state_dict(),
// path)) as ptlab's: the tensor names of torchvision's ResNet layout mapped to model/deep's. Pure
// functions on names, free of LibTorch.
//
//   torchvision                       ptlab (model/deep/models.hpp)
//   conv1.weight                      stem.0.weight         (7 × 7 stride 2: model.stem = "imagenet")
//   bn1.*                             stem.1.*
//   layerK.B.conv1.weight, .bn1.*, …  stageK.B.conv1.weight, .bn1.*, …
//   layerK.0.downsample.0.weight      stageK.0.shortcut.0.weight   (1 × 1 conv)
//   layerK.0.downsample.1.*           stageK.0.shortcut.1.*        (BatchNorm)
//   fc.weight, fc.bias                head.weight, head.bias       (never copied by transfer)
//
// Source: torchvision/models/resnet.py (class ResNet, BasicBlock); ours: the mapping.
#include <string>
#include <vector>

namespace ptlab::transfer::deep {

/// Whether an archive's tensor names are in torchvision's ResNet layout: one of them is
/// "layer1.0.conv1.weight" (ptlab's own archives say "stage1.0.conv1.weight").
bool is_torchvision_resnet(const std::vector<std::string>& names);

/// ptlab's name for a tensor name of torchvision's ResNet layout, by the table above: prefixes
/// "conv1." → "stem.0.", "bn1." → "stem.1.", "layerK." → "stageK.", "fc." → "head.", and inside a
/// layer's block "downsample." → "shortcut.". A name outside the layout comes back unchanged
/// (transfer then lists it as unmatched). Example: "layer2.0.downsample.1.running_var" →
/// "stage2.0.shortcut.1.running_var".
std::string from_torchvision_resnet(const std::string& name);

/// torchvision's name for a ptlab name: the inverse of from_torchvision_resnet on its image
/// (to_torchvision_resnet(from_torchvision_resnet(n)) == n for torchvision's ResNet names), for
/// messages that name what the archive held. Other names come back unchanged.
std::string to_torchvision_resnet(const std::string& name);

/// How torchvision's layout reads in ptlab's reports: one line, e.g. for --show-transfer.
inline constexpr const char* kTorchvisionResnetLayout =
    "read as torchvision's ResNet layout (conv1 → stem.0, bn1 → stem.1, layerK → stageK, downsample → shortcut, "
    "fc → head)";

}  // namespace ptlab::transfer::deep
