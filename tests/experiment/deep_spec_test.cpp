#include "ptlab/experiment/deep_spec.hpp"
#include "ptlab/experiment/deep_sweep.hpp"

#include <gtest/gtest.h>

#include <filesystem>

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

TEST(DeepSpec, NewKeysCanonicalTextAndRunHash) {
  const auto d = experiment::parse_deep_config(
      "[upstream]\ntask = \"rotation\"\n[transfer]\nselect = \"activation\"\n[run]\ndevice = \"cpu\"\n", "d.toml");
  EXPECT_EQ(d.upstream.task, "rotation");
  EXPECT_EQ(d.select, "activation");
  EXPECT_EQ(d.device, "cpu");
  // The canonical text parses back to the same text (every key, fixed order).
  const std::string text = experiment::deep_canonical_toml(d);
  EXPECT_EQ(experiment::deep_canonical_toml(experiment::parse_deep_config(text, "c.toml")), text);
  // The run hash ignores seeds, threads and device, but not the science.
  auto other = d;
  other.seeds = 9;
  other.seed = 4;
  other.threads = 1;
  other.device = "cuda";
  EXPECT_EQ(experiment::deep_run_hash(other), experiment::deep_run_hash(d));
  other.downstream.per_class = 7;
  EXPECT_NE(experiment::deep_run_hash(other), experiment::deep_run_hash(d));
  EXPECT_EQ(experiment::at_setting(d, 0.5).alphas, (std::vector<double>{0.5}));
  EXPECT_NE(experiment::deep_run_hash(experiment::at_setting(d, 0.5)), experiment::deep_run_hash(experiment::at_setting(d, 1.0)));
  EXPECT_EQ(experiment::with_overrides(d, {"upstream.per_class=33"}).upstream.per_class, 33);
  EXPECT_NE(error_of("[downstream]\ntask = \"rotation\"\n").find("downstream.task"), std::string::npos);
  EXPECT_NE(error_of("[transfer]\nrule = \"entry\"\nselect = \"activation\"\n").find("transfer.select"), std::string::npos);
  EXPECT_NE(error_of("[run]\ndevice = \"tpu\"\n").find("run.device"), std::string::npos);
  EXPECT_TRUE(experiment::is_deep_config(PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml"));
  EXPECT_FALSE(experiment::is_deep_config(PTLAB_SOURCE_DIR "/configs/paper.toml"));
}

TEST(DeepSweep, AxesGridAndErrors) {
  const std::string base = "[upstream]\nper_class = 100\n[run]\nseeds = 2\n";
  const auto sweep = experiment::parse_deep_sweep(
      base + "[sweep]\nseeds = 3\n[[sweep.axis]]\nkey = \"upstream.per_class\"\nlogspace = [1, 2, 3]\n"
             "[[sweep.axis]]\nkey = \"transfer.select\"\nvalues = [\"random\", \"activation\"]\n",
      "s.toml");
  EXPECT_EQ(sweep.seeds, 3);
  ASSERT_EQ(sweep.axes.size(), 2u);
  EXPECT_EQ(sweep.axes[0].values, (std::vector<std::string>{"10", "32", "100"}));  // integer key: rounded
  const auto grid = experiment::deep_grid(sweep);
  ASSERT_EQ(grid.size(), 6u);
  EXPECT_EQ(grid[1].spec.upstream.per_class, 10);  // first axis slowest
  EXPECT_EQ(grid[1].spec.select, "activation");
  EXPECT_EQ(grid[5].spec.upstream.per_class, 100);
  EXPECT_EQ(grid[5].spec.seeds, 3);
  // A plain config is a sweep of one point.
  EXPECT_EQ(experiment::deep_grid(experiment::parse_deep_sweep(base, "p.toml")).size(), 1u);
  const auto error = [&](const std::string& sweep_text, const std::vector<std::string>& sets = {}) {
    try {
      experiment::parse_deep_sweep(base + sweep_text, "s.toml", sets);
    } catch (const core::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("[sweep]\n[[sweep.axis]]\nkey = \"transfer.alphas\"\nvalues = [[0.5]]\n").find("swept by every point"),
            std::string::npos);
  EXPECT_NE(error("[sweep]\n[[sweep.axis]]\nkey = \"upstream.label_noise\"\nvalues = [0.2, 1.5]\n").find("label_noise"),
            std::string::npos);
  EXPECT_NE(error("[sweep]\nseeds = 2\n").find("no axis"), std::string::npos);
  EXPECT_NE(error("[sweep]\n[[sweep.axis]]\nkey = \"upstream.epochs\"\nvalues = [1, 2]\n", {"upstream.epochs=3"})
                .find("is an axis"),
            std::string::npos);
}

TEST(DeepSpec, RepeatedSettingsRunKeysAsAxesAndUnknownSectionsAreRefused) {
  EXPECT_NE(error_of("[transfer]\nalphas = [1.0, 1.0]\n").find("distinct"), std::string::npos);
  EXPECT_NE(error_of("[transfer]\nrule = \"blocks\"\nblocks = [2, 2]\n").find("distinct"), std::string::npos);
  EXPECT_NE(error_of("[extra]\n").find("expected a section"), std::string::npos);
  for (const char* key : {"run.seed", "run.device", "run.threads"}) {
    try {
      experiment::parse_deep_sweep(std::string("[sweep]\n[[sweep.axis]]\nkey = \"") + key + "\"\nvalues = [1, 2]\n", "s.toml");
      ADD_FAILURE() << key;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("not science"), std::string::npos) << e.what();
    }
  }
  // An empty [sweep] is a mistake, not a plain config; the axis error names the key's line.
  EXPECT_THROW(experiment::parse_deep_sweep("[sweep]\n", "s.toml"), core::InputError);
  try {
    experiment::parse_deep_sweep("[sweep]\n\n[[sweep.axis]]\nkey = \"upstream.lr\"\nvalues = [-1.0]\n", "s.toml");
    ADD_FAILURE();
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("s.toml:3: sweep axis upstream.lr = -1: upstream.lr: expected", 0), 0u) << e.what();
  }
  // String axis values keep their characters (TOML escapes, not raw quotes).
  const auto sweep = experiment::parse_deep_sweep(
      "[data]\ndataset = \"idx\"\ndir = \"x\"\n[sweep]\n[[sweep.axis]]\nkey = \"data.dir\"\nvalues = ['a\\q \"b\"']\n", "s.toml");
  EXPECT_EQ(experiment::deep_grid(sweep)[0].spec.dir, "a\\q \"b\"");
}

TEST(DeepSpec, EveryShippedDeepConfigAndSweepParses) {
  int count = 0;
  for (const char* dir : {"/configs/deep", "/configs/deep/sweeps"})
    for (const auto& entry : std::filesystem::directory_iterator(std::string(PTLAB_SOURCE_DIR) + dir)) {
      if (entry.path().extension() != ".toml") continue;
      EXPECT_NO_THROW(experiment::load_deep_sweep(entry.path().string())) << entry.path();
      EXPECT_TRUE(experiment::is_deep_config(entry.path().string())) << entry.path();
      ++count;
    }
  EXPECT_GE(count, 12);
}
