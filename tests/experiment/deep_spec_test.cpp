#include "ptlab/experiment/deep_spec.hpp"

#include <gtest/gtest.h>

#include "ptlab/core/error.hpp"

using namespace ptlab;

namespace {

std::string error_of(const std::string& text) {
  try {
    experiment::parse_deep_config(text, "deep.toml");
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(DeepSpec, DefaultsAndTheShippedConfig) {
  const auto d = experiment::parse_deep_config("", "empty.toml");
  EXPECT_EQ(d.dataset, "fashion-mnist");
  EXPECT_EQ(d.upstream.classes, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(d.alphas, (std::vector<double>{0.0, 0.25, 0.5, 1.0}));
  const auto shipped = experiment::load_deep_config(PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml");
  EXPECT_EQ(shipped.downstream.classes, (std::vector<int>{5, 6, 7, 8, 9}));
  EXPECT_EQ(shipped.arch, "resnet8");
  const auto set = experiment::load_deep_config(PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml",
                                                {"upstream.epochs=2", "model.arch=vgg11", "transfer.alphas=[0.5]"});
  EXPECT_EQ(set.upstream.epochs, 2);
  EXPECT_EQ(set.arch, "vgg11");
  EXPECT_EQ(set.alphas, (std::vector<double>{0.5}));
}

TEST(DeepSpec, BadKeysAndValuesAreOneLineErrors) {
  EXPECT_EQ(error_of("[model]\narch = \"alexnet\"\n"),
            "deep.toml:2: model.arch: expected one of \"resnet8\", \"resnet20\", \"resnet18\", \"vgg11\", \"vgg16\", \"vit\"");
  EXPECT_NE(error_of("[upstream]\nepochz = 3\n").find("unknown key 'upstream.epochz'"), std::string::npos);
  EXPECT_NE(error_of("[upstream]\nclasses = [1]\n").find("at least two distinct classes"), std::string::npos);
  EXPECT_NE(error_of("[upstream]\nclasses = [1, 1]\n").find("at least two distinct classes"), std::string::npos);
  EXPECT_NE(error_of("[transfer]\nalphas = [1.5]\n").find("transfer.alphas"), std::string::npos);
  EXPECT_NE(error_of("[transfer]\nrule = \"blocks\"\n").find("transfer.blocks"), std::string::npos);
  EXPECT_NE(error_of("[transfer]\nfreeze = true\n").find("unless rule = \"blocks\""), std::string::npos);
  EXPECT_NE(error_of("[data]\ndataset = \"cifar10\"\n").find("data.dir"), std::string::npos);
  EXPECT_NE(error_of("[upstream]\nlabel_noise = 1.0\n").find("[0, 1)"), std::string::npos);
  EXPECT_NE(error_of("model = 3\n").find("expected a section"), std::string::npos);
  EXPECT_THROW(experiment::load_deep_config(PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml", {"nodot=3"}),
               core::InputError);
  for (const auto& e : {error_of("[model]\narch = 1\n"), error_of("[run]\nseeds = 0\n")}) {
    EXPECT_FALSE(e.empty());
    EXPECT_EQ(e.find('\n'), std::string::npos);
  }
}
