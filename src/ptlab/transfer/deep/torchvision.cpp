#include "ptlab/transfer/deep/torchvision.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace ptlab::transfer::deep {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "<word>K.rest" with K one or more digits: the length of "<word>K." (0 when `name` is not so).
std::size_t numbered_prefix(std::string_view name, std::string_view word) {
  if (!starts_with(name, word)) return 0;
  std::size_t i = word.size();
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  return i > word.size() && i < name.size() && name[i] == '.' ? i + 1 : 0;
}

// "<from>K.B.<inner_from>rest" → "<to>K.B.<inner_to>rest" (the inner part only right after the
// block index); "" when `name` does not start with "<from>K.".
std::string renamed_layer(const std::string& name, std::string_view from, std::string_view to,
                          std::string_view inner_from, std::string_view inner_to) {
  const std::size_t prefix = numbered_prefix(name, from);
  if (prefix == 0) return "";
  std::string rest = name.substr(prefix);
  const std::size_t dot = rest.find('.');
  if (dot != std::string::npos && std::string_view(rest).substr(dot + 1, inner_from.size()) == inner_from)
    rest = rest.substr(0, dot + 1) + std::string(inner_to) + rest.substr(dot + 1 + inner_from.size());
  return std::string(to) + name.substr(from.size(), prefix - from.size()) + rest;
}

}  // namespace

bool is_torchvision_resnet(const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), "layer1.0.conv1.weight") != names.end();
}

std::string from_torchvision_resnet(const std::string& name) {
  const std::string_view n = name;
  if (starts_with(n, "conv1.")) return "stem.0." + name.substr(6);
  if (starts_with(n, "bn1.")) return "stem.1." + name.substr(4);
  if (starts_with(n, "fc.")) return "head." + name.substr(3);
  const std::string layer = renamed_layer(name, "layer", "stage", "downsample.", "shortcut.");
  return layer.empty() ? name : layer;
}

std::string to_torchvision_resnet(const std::string& name) {
  const std::string_view n = name;
  if (starts_with(n, "stem.0.")) return "conv1." + name.substr(7);
  if (starts_with(n, "stem.1.")) return "bn1." + name.substr(7);
  if (starts_with(n, "head.")) return "fc." + name.substr(5);
  const std::string stage = renamed_layer(name, "stage", "layer", "shortcut.", "downsample.");
  return stage.empty() ? name : stage;
}

}  // namespace ptlab::transfer::deep
