#include "ptlab/experiment/deep_config.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
// The deep config, run and sweep headers stand alone: no LibTorch, no Eigen (so no theory spec).
#if defined(EIGEN_WORLD_VERSION) || defined(TORCH_VERSION_MAJOR)
#error "experiment/deep_config.hpp, deep_run.hpp and deep_sweep.hpp must not include Eigen or LibTorch"
#endif

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <set>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/config.hpp"

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
  EXPECT_EQ(experiment::to_string(d.dataset), "fashion-mnist");
  EXPECT_EQ(d.upstream.classes, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(d.alphas, (std::vector<double>{0.0, 0.25, 0.5, 1.0}));
  const auto shipped = experiment::load_deep_config(PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml");
  EXPECT_EQ(shipped.downstream.classes, (std::vector<int>{5, 6, 7, 8, 9}));
  EXPECT_EQ(experiment::to_string(shipped.arch), "resnet8");
  const auto set = experiment::load_deep_config(PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml",
                                                {"upstream.epochs=2", "model.arch=vgg11", "transfer.alphas=[0.5]"});
  EXPECT_EQ(set.upstream.epochs, 2);
  EXPECT_EQ(experiment::to_string(set.arch), "vgg11");
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
  EXPECT_EQ(experiment::to_string(d.upstream.task), "rotation");
  EXPECT_EQ(experiment::to_string(d.select), "activation");
  EXPECT_EQ(experiment::to_string(d.device), "cpu");
  // The canonical text parses back to the same text (every key, fixed order).
  const std::string text = experiment::deep_canonical_toml(d);
  EXPECT_EQ(experiment::deep_canonical_toml(experiment::parse_deep_config(text, "c.toml")), text);
  // The run hash ignores seeds, threads and device, but not the science.
  auto other = d;
  other.seeds = 9;
  other.seed = 4;
  other.threads = 1;
  other.device = experiment::DeepDevice::cuda;
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
  EXPECT_EQ(experiment::to_string(grid[1].spec.select), "activation");
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

// Stored deep studies are keyed by deep_run_hash, a hash of this exact text: neither may change.
TEST(DeepConfig, CanonicalTextAndRunHashesArePinned) {
  const std::string expected =
      "[data]\ndataset = \"fashion-mnist\"\ndir = ''\n\n"
      "[upstream]\ntask = \"classes\"\nclasses = [0, 1, 2, 3, 4]\nper_class = 1000\nlabel_noise = 0\ninput_noise = 0\n"
      "optimizer = \"sgd\"\nlr = 0.05\nweight_decay = 0.0005\nepochs = 4\nbatch_size = 128\naugment = false\n"
      "eval_every = 1\n\n"
      "[downstream]\ntask = \"classes\"\nclasses = [5, 6, 7, 8, 9]\nper_class = 100\nlabel_noise = 0\n"
      "input_noise = 0\noptimizer = \"sgd\"\nlr = 0.05\nweight_decay = 0.0005\nepochs = 8\nbatch_size = 128\n"
      "augment = false\neval_every = 1\n\n"
      "[model]\narch = \"resnet8\"\n\n"
      "[transfer]\nrule = \"channel\"\nselect = \"random\"\nalphas = [0, 0.25, 0.5, 1]\nblocks = []\nfreeze = false\n"
      "import = ''\n\n"
      "[run]\nseeds = 3\nseed = 0\nthreads = 0\ndevice = \"auto\"\n";
  EXPECT_EQ(experiment::deep_canonical_toml(experiment::DeepSpec{}), expected);
  EXPECT_EQ(experiment::deep_run_hash(experiment::DeepSpec{}), "1c7b3b243061b390");
  const auto shipped = experiment::load_deep_config(PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml");
  EXPECT_EQ(experiment::deep_run_hash(shipped), "9681851f0497ca57");
  // Strings keep TOML's quoting; every kind of key away from its default.
  const auto other = experiment::with_overrides(
      experiment::DeepSpec{},
      {"data.dataset=idx", "data.dir=\"a\\\\q \\\"b\\\"\"", "upstream.task=rotation", "upstream.optimizer=adamw",
       "upstream.lr=0.001", "downstream.augment=true", "downstream.input_noise=0.5", "upstream.classes=[9, 3]",
       "transfer.rule=blocks", "transfer.blocks=[0, 2, 3]", "transfer.freeze=true", "transfer.import=w.pt",
       "model.arch=vit", "run.seed=12345", "run.device=cpu"});
  const std::string text = experiment::deep_canonical_toml(other);
  EXPECT_NE(text.find("dir = 'a\\q \"b\"'\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[upstream]\ntask = \"rotation\"\nclasses = [9, 3]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("blocks = [0, 2, 3]\nfreeze = true\nimport = 'w.pt'\n"), std::string::npos) << text;
  EXPECT_EQ(experiment::deep_run_hash(other), "162ff6e5370ffa53");
}

TEST(DeepConfig, OneSchemaDrivesParsingCanonicalTextAndCommentedDefaults) {
  const auto& keys = experiment::deep_config_keys();
  // data (6), two stages (12 each), the downstream-only keys (l2sp, val_fraction, select_epoch,
  // probe_epochs, block_lr), model (arch, stem), transfer (9), run (4).
  ASSERT_EQ(keys.size(), 6u + 2u * 12u + 5u + 2u + 9u + 4u);
  const experiment::DeepSpec d;
  const std::string text = experiment::deep_canonical_toml(d);
  // Each key once, in schema order, under its section.
  std::size_t at = 0;
  for (const auto& k : keys) {
    // Keys added after studies existed are hashed only when set (L2SpIsADownstreamKeyHashedOnlyWhenSet),
    // so absent from the default text.
    static const std::set<std::string> later = {
        "downstream.l2sp",      "transfer.shrink",         "transfer.perturb",         "transfer.norm_matched",
        "data.downstream_dataset", "data.downstream_dir",  "data.size",                "data.channels",
        "downstream.val_fraction", "downstream.select_epoch", "downstream.probe_epochs", "downstream.block_lr",
        "model.stem"};
    if (later.contains(k.path)) {
      EXPECT_EQ(text.find("\n" + k.path.substr(k.path.find('.') + 1) + " = "), std::string::npos) << k.path;
      continue;
    }
    const std::string section = k.path.substr(0, k.path.find('.'));
    const std::string line = "\n" + k.path.substr(section.size() + 1) + " = ";
    const auto header = text.find("[" + section + "]\n");
    ASSERT_NE(header, std::string::npos) << k.path;
    const auto found = text.find(line, std::max(at, header));
    ASSERT_NE(found, std::string::npos) << k.path;
    at = found + 1;
  }
  // The same train keys in both stages.
  for (const auto& k : keys)
    if (k.path.rfind("upstream.", 0) == 0) {
      const std::string down = "downstream." + k.path.substr(9);
      EXPECT_EQ(std::count_if(keys.begin(), keys.end(), [&](const auto& x) { return x.path == down && x.kind == k.kind; }), 1)
          << down;
    }
  // The commented text (ptlab config --default --deep) reads back as the same spec.
  const std::string commented = experiment::deep_canonical_toml(d, true);
  EXPECT_EQ(experiment::parse_deep_config(commented, "c.toml"), d);
  EXPECT_NE(commented.find("epochs = 4               # training epochs (an integer in [1, 10000])\n"), std::string::npos)
      << commented;
  auto changed = experiment::with_overrides(d, {"upstream.epochs=7", "transfer.rule=entry", "upstream.augment=true"});
  EXPECT_EQ(changed.upstream.epochs, 7);
  EXPECT_EQ(changed.downstream.epochs, 8);  // one stage's key leaves the other alone
  EXPECT_TRUE(changed.upstream.augment);
  EXPECT_EQ(changed.rule, experiment::DeepRule::entry);
  EXPECT_EQ(experiment::parse_deep_config(experiment::deep_canonical_toml(changed, true), "c.toml"), changed);
  EXPECT_NE(changed, d);
  // The config's stage holds the trainer's options: what run_deep hands the trainer.
  const ptlab::train::deep::TrainOptions& options = changed.upstream;
  EXPECT_EQ(options.epochs, 7);
  EXPECT_EQ(options, (ptlab::train::deep::TrainOptions{.epochs = 7, .augment = true}));
}

TEST(DeepConfig, EnumNamesParsePrintAndExplain) {
  using experiment::deep_enum;
  EXPECT_EQ(experiment::to_string(experiment::DeepDataset::fashion_mnist), "fashion-mnist");
  EXPECT_EQ(experiment::to_string(experiment::DeepDevice::automatic), "auto");
  EXPECT_EQ(experiment::to_string(ptlab::train::deep::Optimizer::adamw), "adamw");
  EXPECT_EQ(deep_enum<experiment::DeepArch>("vgg16"), experiment::DeepArch::vgg16);
  EXPECT_EQ(deep_enum<experiment::DeepRule>("blocks"), experiment::DeepRule::blocks);
  EXPECT_EQ(deep_enum<experiment::DeepArch>("alexnet"), std::nullopt);
  EXPECT_EQ(deep_enum<experiment::DeepRule>("Channel"), std::nullopt);
  for (const auto name : experiment::DeepNames<experiment::DeepArch>::names)
    EXPECT_EQ(experiment::to_string(*deep_enum<experiment::DeepArch>(name)), name);
  EXPECT_EQ(error_of("[run]\ndevice = \"tpu\"\n"), "deep.toml:2: run.device: expected one of \"auto\", \"cpu\", \"cuda\"");
  EXPECT_EQ(error_of("[upstream]\noptimizer = \"lbfgs\"\n"),
            "deep.toml:2: upstream.optimizer: expected one of \"sgd\", \"adamw\"");
  EXPECT_EQ(experiment::with_overrides(experiment::DeepSpec{}, {"downstream.optimizer=adamw"}).downstream.optimizer,
            ptlab::train::deep::Optimizer::adamw);
}

TEST(DeepConfig, MessagesNameTheFilesLineThroughCommentsSweepsAndSet) {
  const std::string text = "# a comment\n\n# another\n[upstream]\nclasses = [0, 1]\n\nper_class = \"lots\"\n";
  const auto message = [&](const std::string& with, const std::vector<std::string>& sets) {
    try {
      experiment::parse_deep_sweep(text + with, "c.toml", sets);
    } catch (const core::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string expected = ": upstream.per_class: expected an integer in [0, 1000000]";
  EXPECT_EQ(error_of(text), "deep.toml:7" + expected);
  EXPECT_EQ(message("", {}), "c.toml:7" + expected);
  // The [sweep] table is taken out of the file, not out of its lines.
  EXPECT_EQ(message("[sweep]\n[[sweep.axis]]\nkey = \"downstream.lr\"\nvalues = [0.1, 0.2]\n", {}), "c.toml:7" + expected);
  // --set: the file's keys keep their lines; a key set on the command line has none.
  EXPECT_EQ(message("", {"downstream.epochs=2"}), "c.toml:7" + expected);
  EXPECT_EQ(message("", {"upstream.per_class=2", "upstream.epochs=0"}),
            "--set upstream.epochs=0: upstream.epochs: expected an integer in [1, 10000]");
  // A cross-key rule broken by a --set value names that argument.
  EXPECT_EQ(message("", {"upstream.per_class=2", "transfer.freeze=true"}),
            "--set transfer.freeze=true: transfer.freeze: expected false unless rule = \"blocks\" (AnB freezes whole blocks)");
}

TEST(DeepConfig, RelativePathsAreTheConfigFilesOrTheWorkingDirectorysForSet) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ptlab_paths_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  const std::string cfg = (dir / "sub" / "c.toml").string();
  std::ofstream(cfg) << "[data]\ndataset = \"idx\"\ndir = \"../images\"\n[transfer]\nimport = \"w.pt\"\n";
  const auto spec = experiment::load_deep_config(cfg);
  EXPECT_EQ(spec.dir, (dir / "images").string());
  EXPECT_EQ(spec.import_weights, (dir / "sub" / "w.pt").string());
  // The same through the sweep reader (what `ptlab deep` uses).
  EXPECT_EQ(experiment::load_deep_sweep(cfg).base.dir, (dir / "images").string());
  // --set: against the working directory; absolute paths stay as they are.
  const auto set = experiment::load_deep_config(cfg, {"transfer.import=x.pt", "data.dir=/data/images"});
  EXPECT_EQ(set.import_weights, (fs::current_path() / "x.pt").string());
  EXPECT_EQ(set.dir, "/data/images");
  // Text parsed without a file keeps what it says.
  EXPECT_EQ(experiment::parse_deep_config("[data]\ndataset = \"idx\"\ndir = \"images\"\n", "t.toml").dir, "images");
  fs::remove_all(dir);
}

TEST(DeepConfig, UnknownKeysGetADidYouMeanAndCrossKeyRulesOneLine) {
  EXPECT_EQ(error_of("[upstream]\nepohcs = 3\n"), "deep.toml:2: unknown key 'upstream.epohcs' (did you mean 'upstream.epochs'?)");
  EXPECT_EQ(error_of("[run]\n\nzzzzzzzzzz = 1\n"),
            "deep.toml:3: unknown key 'run.zzzzzzzzzz' (see `ptlab config --default --deep` for every key)");
  EXPECT_EQ(error_of("[sweep]\nseeds = 2\n"), "deep.toml:1: [sweep] describes a sweep; expected `ptlab sweep deep.toml`");
  EXPECT_EQ(error_of("model = 3\n"),
            "deep.toml:1: model: expected a section [data], [upstream], [downstream], [model], [transfer] or [run]");
  const auto set_error = [](const std::vector<std::string>& sets) {
    try {
      experiment::with_overrides(experiment::DeepSpec{}, sets);
    } catch (const core::InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(set_error({"downstream.lrr=0.1"}), "--set downstream.lrr=0.1: unknown key 'downstream.lrr' (did you mean 'downstream.lr'?)");
  const std::string value_error = set_error({"upstream.epochs=0"});
  EXPECT_EQ(value_error, "--set upstream.epochs=0: upstream.epochs: expected an integer in [1, 10000]");
  EXPECT_NE(set_error({"upstream.epochs=2\nlr = 3"}).find("line break"), std::string::npos);
  EXPECT_EQ(set_error({"upstream=2"}), "--set upstream=2: expected section.key=value, e.g. upstream.epochs=2");
  EXPECT_EQ(error_of("[transfer]\nfreeze = true\n"),
            "deep.toml:2: transfer.freeze: expected false unless rule = \"blocks\" (AnB freezes whole blocks)");
  EXPECT_EQ(error_of("[transfer]\nrule = \"blocks\"\n"),
            "deep.toml: transfer.blocks: expected a non-empty list of k values for rule = \"blocks\"");
  EXPECT_EQ(error_of("[downstream]\nclasses = [3, 4, 3]\n"), "deep.toml:2: downstream.classes: expected at least two distinct classes");
  EXPECT_EQ(error_of("[data]\ndataset = \"cifar100\"\n"),
            "deep.toml: data.dir: expected the directory of the cifar100 files (dataset = \"cifar100\")");
  EXPECT_EQ(error_of("[transfer]\nalphas = []\n"), "deep.toml:2: transfer.alphas: expected a non-empty array of values in [0, 1]");
  EXPECT_EQ(error_of("[upstream]\nclasses = [0, 1.5]\n"),
            "deep.toml:2: upstream.classes: expected a non-empty array of integers in [0, 99]");
  EXPECT_EQ(error_of("[upstream]\nlr = 0\n"), "deep.toml:2: upstream.lr: expected a number in [1e-08, 10]");
  EXPECT_EQ(experiment::parse_deep_config("[transfer]\nrule = \"blocks\"\nblocks = []\nalphas = [0.5]\n", "x",
                                          {"transfer.blocks=[1]"}).blocks,
            (std::vector<int>{1}));
}

TEST(DeepConfig, SweepAxisTypesComeFromTheSchema) {
  using experiment::KeyType;
  EXPECT_EQ(experiment::deep_key_type("upstream.epochs"), KeyType::integer);
  EXPECT_EQ(experiment::deep_key_type("downstream.lr"), KeyType::number);
  EXPECT_EQ(experiment::deep_key_type("transfer.freeze"), KeyType::boolean);
  EXPECT_EQ(experiment::deep_key_type("downstream.augment"), KeyType::boolean);
  EXPECT_EQ(experiment::deep_key_type("model.arch"), KeyType::choice);
  EXPECT_EQ(experiment::deep_key_type("data.dir"), KeyType::choice);
  EXPECT_EQ(experiment::deep_key_type("upstream.task"), KeyType::choice);
  int typed = 0;
  for (const auto& k : experiment::deep_config_keys()) {
    try {
      experiment::deep_key_type(k.path);
      ++typed;
    } catch (const core::InputError&) {
    }
  }
  // All but the lists (classes, block_lr, alphas, blocks) and the four run keys.
  EXPECT_EQ(typed, 6 + 2 * 11 + 4 + 2 + 7);
  try {
    experiment::deep_key_type("upstream.epohcs");
    ADD_FAILURE();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'upstream.epochs'?"), std::string::npos) << e.what();
  }
}

TEST(DeepConfig, TheTheoryReaderNamesADeepConfig) {
  const std::string path = PTLAB_SOURCE_DIR "/configs/deep/fmnist_resnet.toml";
  try {
    experiment::load_config(path);
    ADD_FAILURE();
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": this is a deep config: use `ptlab deep`");
  }
  EXPECT_NO_THROW(experiment::load_config(PTLAB_SOURCE_DIR "/configs/paper.toml"));
}

// downstream.l2sp, added after deep studies existed, is hashed only when set; upstream has none.
TEST(DeepConfig, L2SpIsADownstreamKeyHashedOnlyWhenSet) {
  const experiment::DeepSpec plain;
  EXPECT_EQ(experiment::deep_canonical_toml(plain).find("l2sp"), std::string::npos);
  EXPECT_NE(experiment::deep_canonical_toml(plain, true).find("l2sp = 0"), std::string::npos);
  const auto set = experiment::parse_deep_config("[downstream]\nl2sp = 0.01\n", "d");
  EXPECT_DOUBLE_EQ(set.downstream.l2sp, 0.01);
  EXPECT_NE(experiment::deep_run_hash(set), experiment::deep_run_hash(plain));
  EXPECT_EQ(experiment::parse_deep_config(experiment::deep_canonical_toml(set), "again"), set);
  EXPECT_THROW(experiment::parse_deep_config("[upstream]\nl2sp = 0.01\n", "d"), core::InputError);
  EXPECT_THROW(experiment::parse_deep_config("[downstream]\nl2sp = -1\n", "d"), core::InputError);
}

// transfer.shrink and transfer.perturb, like l2sp, are hashed only away from their defaults (1 and 0).
TEST(DeepConfig, ShrinkAndPerturbAreHashedOnlyWhenSet) {
  const experiment::DeepSpec plain;
  const std::string text = experiment::deep_canonical_toml(plain);
  EXPECT_EQ(text.find("shrink"), std::string::npos) << text;
  EXPECT_EQ(text.find("perturb"), std::string::npos) << text;
  const std::string commented = experiment::deep_canonical_toml(plain, true);
  EXPECT_NE(commented.find("shrink = 1"), std::string::npos) << commented;
  EXPECT_NE(commented.find("perturb = 0"), std::string::npos) << commented;
  const auto set = experiment::parse_deep_config("[transfer]\nshrink = 0.5\nperturb = 0.1\n", "d");
  EXPECT_DOUBLE_EQ(set.shrink, 0.5);
  EXPECT_DOUBLE_EQ(set.perturb, 0.1);
  EXPECT_NE(experiment::deep_run_hash(set), experiment::deep_run_hash(plain));
  EXPECT_EQ(experiment::parse_deep_config(experiment::deep_canonical_toml(set), "again"), set);
  EXPECT_THROW(experiment::parse_deep_config("[transfer]\nshrink = 1.5\n", "d"), core::InputError);
  EXPECT_THROW(experiment::parse_deep_config("[transfer]\nperturb = -1\n", "d"), core::InputError);
}

// Validation, epoch selection, LP/LP-FT, per-block lr and the norm-matched control: downstream
// (or transfer) keys hashed only away from their defaults, with their cross-key rules.
TEST(DeepConfig, ValidationAndBaselineKeysAreHashedOnlyWhenSetAndCheckedTogether) {
  const experiment::DeepSpec plain;
  const std::string text = experiment::deep_canonical_toml(plain);
  for (const char* key : {"val_fraction", "select_epoch", "probe_epochs", "block_lr", "norm_matched"})
    EXPECT_EQ(text.find(key), std::string::npos) << key;
  const auto set = experiment::parse_deep_config(
      "[downstream]\nval_fraction = 0.2\nselect_epoch = \"val\"\nprobe_epochs = 2\nblock_lr = [0.1, 0.5, 1, 1, 1]\n"
      "[transfer]\nnorm_matched = true\n",
      "d");
  EXPECT_DOUBLE_EQ(set.downstream.val_fraction, 0.2);
  EXPECT_EQ(set.downstream.select_epoch, experiment::DeepEpochChoice::val);
  EXPECT_EQ(set.downstream.probe_epochs, 2);
  EXPECT_EQ(set.downstream.block_lr, (std::vector<double>{0.1, 0.5, 1, 1, 1}));
  EXPECT_TRUE(set.norm_matched);
  EXPECT_EQ(experiment::parse_deep_config(experiment::deep_canonical_toml(set), "again"), set);
  EXPECT_NE(experiment::deep_run_hash(set), experiment::deep_run_hash(plain));
  // Each key alone changes the hash.
  for (const char* one : {"[downstream]\nval_fraction = 0.2\n", "[downstream]\nprobe_epochs = 1\n",
                          "[downstream]\nblock_lr = [1, 1, 1, 1, 1]\n", "[transfer]\nnorm_matched = true\n"})
    EXPECT_NE(experiment::deep_run_hash(experiment::parse_deep_config(one, "d")), experiment::deep_run_hash(plain)) << one;
  const auto message = [](const std::string& toml) {
    try {
      experiment::parse_deep_config(toml, "d.toml");
    } catch (const core::InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message("[downstream]\nselect_epoch = \"val\"\n"),
            "d.toml:2: downstream.select_epoch: expected \"last\" unless downstream.val_fraction > 0 (selection needs a "
            "validation set)");
  EXPECT_EQ(message("[downstream]\nepochs = 3\nprobe_epochs = 4\n"),
            "d.toml:3: downstream.probe_epochs: expected at most downstream.epochs = 3");
  EXPECT_EQ(message("[transfer]\nnorm_matched = true\nshrink = 0.5\n"),
            "d.toml:2: transfer.norm_matched: expected false with transfer.shrink or transfer.perturb (the control "
            "redraws the values they would mix)");
  EXPECT_EQ(message("[downstream]\nval_fraction = 0.95\n"), "d.toml:2: downstream.val_fraction: expected a number in [0, 0.9]");
  EXPECT_EQ(message("[downstream]\nblock_lr = [1, -1]\n"),
            "d.toml:2: downstream.block_lr: expected an array of numbers in [0, 1000]");
  EXPECT_EQ(message("[upstream]\nval_fraction = 0.2\n"), "d.toml:2: unknown key 'upstream.val_fraction' (did you mean "
                                                          "'downstream.val_fraction'?)");
}

// model.stem, added after studies existed, is hashed only away from "small"; "imagenet" is
// resnet18's (torchvision's stem) and refused for other architectures with one line.
TEST(DeepConfig, StemIsHashedOnlyWhenSetAndIsResnet18s) {
  const experiment::DeepSpec plain;
  EXPECT_EQ(experiment::deep_canonical_toml(plain).find("stem"), std::string::npos);
  EXPECT_NE(experiment::deep_canonical_toml(plain, true).find("stem = \"small\""), std::string::npos);
  const auto set = experiment::parse_deep_config("[model]\narch = \"resnet18\"\nstem = \"imagenet\"\n", "d");
  EXPECT_EQ(set.stem, experiment::DeepStem::imagenet);
  EXPECT_NE(experiment::deep_canonical_toml(set).find("[model]\narch = \"resnet18\"\nstem = \"imagenet\"\n"),
            std::string::npos) << experiment::deep_canonical_toml(set);
  auto small18 = set;
  small18.stem = experiment::DeepStem::small;
  EXPECT_NE(experiment::deep_run_hash(set), experiment::deep_run_hash(small18));
  EXPECT_EQ(experiment::parse_deep_config(experiment::deep_canonical_toml(set), "again"), set);
  EXPECT_EQ(experiment::with_overrides(small18, {"model.stem=imagenet"}), set);
  EXPECT_EQ(error_of("[model]\nstem = \"imagenet\"\n"),
            "deep.toml:2: model.stem: expected \"small\" for arch = \"resnet8\" (the \"imagenet\" stem is resnet18's, "
            "as in torchvision)");
  EXPECT_EQ(error_of("[model]\narch = \"resnet18\"\nstem = \"large\"\n"),
            "deep.toml:3: model.stem: expected one of \"small\", \"imagenet\"");
}
