#include "ptlab/experiment/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ptlab/core/error.hpp"
#include "ptlab/experiment/sweep.hpp"

using namespace ptlab;
using experiment::canonical_toml;
using experiment::parse_config;

namespace {

// The one-line message of the InputError thrown by parsing `text` with `overrides`.
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(text, "a.toml", overrides);
  } catch (const core::InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "message must be one line: " << msg;
    return msg;
  }
  ADD_FAILURE() << "no error for: " << text;
  return "";
}

}  // namespace

TEST(Config, EmptyFileGivesTheDefaults) {
  EXPECT_EQ(canonical_toml(parse_config("", "x")), canonical_toml(experiment::ExperimentSpec{}));
}

TEST(Config, CanonicalTextRoundTrips) {
  const auto spec = parse_config(
      "[data]\nd = 1234\nlayout = \"separate\"\ntheta = 33.3\n[transfer]\nrule = \"entry\"\nalpha = 0.1\n"
      "freeze = true\n[model]\nactivation = \"poly_relu\"\nsigma_0 = 1e-5\n[run]\nseed = 77\n",
      "x");
  const std::string text = canonical_toml(spec);
  EXPECT_EQ(canonical_toml(parse_config(text, "y")), text);
  EXPECT_EQ(canonical_toml(parse_config(canonical_toml(spec, true), "z")), text);  // comments too
  EXPECT_EQ(spec.frame.d, 1234);
  EXPECT_EQ(spec.frame.layout, data::Layout::separate);
  EXPECT_EQ(spec.transfer.rule, transfer::Rule::entry);
  EXPECT_TRUE(spec.transfer.freeze);
  EXPECT_EQ(spec.model.activation, model::Activation::poly_relu);
  EXPECT_DOUBLE_EQ(spec.model.sigma_0, 1e-5);
  EXPECT_EQ(spec.seed, 77u);
}

// Keys added after studies existed (L2-SP, shrink and perturb) stay out of the hashed text at
// their no-op values, so earlier configs keep their hash; set, they are hashed and round-trip.
TEST(Config, LaterKeysAreHashedOnlyWhenSet) {
  const experiment::ExperimentSpec plain{};
  const std::string text = canonical_toml(plain);
  for (const char* key : {"l2sp", "shrink", "perturb"}) EXPECT_EQ(text.find(key), std::string::npos) << key;
  EXPECT_NE(canonical_toml(plain, true).find("l2sp = 0.0"), std::string::npos);  // documented all the same
  const auto set = parse_config("[downstream]\nl2sp = 0.25\n[transfer]\nshrink = 0.5\nperturb = 0.1\n", "x");
  EXPECT_DOUBLE_EQ(set.downstream_train.l2sp, 0.25);
  EXPECT_DOUBLE_EQ(set.transfer.shrink, 0.5);
  EXPECT_DOUBLE_EQ(set.transfer.perturb, 0.1);
  const std::string set_text = canonical_toml(set);
  EXPECT_NE(set_text.find("l2sp = 0.25"), std::string::npos);
  EXPECT_EQ(canonical_toml(parse_config(set_text, "y")), set_text);
  EXPECT_NE(experiment::config_hash(set), experiment::config_hash(plain));
  EXPECT_THROW(parse_config("[transfer]\nshrink = 1.5\n", "x"), core::InputError);
  EXPECT_THROW(parse_config("[downstream]\nl2sp = -1\n", "x"), core::InputError);
  EXPECT_THROW(parse_config("[upstream]\nl2sp = 0.1\n", "x"), core::InputError);  // nothing to anchor upstream
}

TEST(Config, CanonicalTextPinsFormatting) {
  const std::string text = canonical_toml(experiment::ExperimentSpec{});
  EXPECT_EQ(text.substr(0, text.find("\n[upstream]")),
            "[data]\nd = 2000\nlayout = \"shared\"\nnorm_u = 1.0\ntheta = 90.0\nn_test = 1000\n");
  EXPECT_NE(text.find("\n[transfer]\nrule = \"filter\"\nalpha = 0.5\nfreeze = false\n"), std::string::npos);
}

TEST(Config, HashFollowsTheResolvedConfig) {
  experiment::ExperimentSpec a, b;
  EXPECT_EQ(experiment::config_hash(a), experiment::config_hash(b));
  b.transfer.alpha = 0.25;
  EXPECT_NE(experiment::config_hash(a), experiment::config_hash(b));
  EXPECT_EQ(experiment::config_hash(a).size(), 16u);
}

TEST(Config, IntegersAreAcceptedForNumbers) {
  EXPECT_DOUBLE_EQ(parse_config("[upstream]\nsigma_p = 2\n", "x").upstream.sigma_p, 2.0);
}

TEST(Config, UnknownKeySuggestsTheClosest) {
  EXPECT_EQ(error_of("[transfer]\nalpah = 0.3\n"),
            "a.toml:2: unknown key 'transfer.alpah' (did you mean 'transfer.alpha'?)");
  EXPECT_NE(error_of("alpha = 0.3\n").find("did you mean 'transfer.alpha'?"), std::string::npos);
  EXPECT_NE(error_of("[upstream]\nsigmap = 1\n").find("did you mean 'upstream.sigma_p'?"), std::string::npos);
  EXPECT_NE(error_of("[nonsense]\nxyzzy_plugh = 1\n").find("see `ptlab config --default`"), std::string::npos);
}

TEST(Config, WrongTypesNameTheKeyAndTheExpectation) {
  EXPECT_EQ(error_of("[transfer]\nalpha = \"half\"\n"),
            "a.toml:2: transfer.alpha = \"half\": expected a number in [0, 1]");
  EXPECT_EQ(error_of("[data]\nd = 100.5\n"), "a.toml:2: data.d = 100.5: expected an integer in [3, 2147483647]");
  EXPECT_EQ(error_of("[transfer]\nfreeze = 1\n"), "a.toml:2: transfer.freeze = 1: expected true or false");
  EXPECT_EQ(error_of("[transfer]\nrule = \"some\"\n"),
            "a.toml:2: transfer.rule = \"some\": expected one of \"filter\", \"entry\", \"layer\", "
            "\"activation\", \"oracle\"");
  EXPECT_EQ(error_of("transfer = 3\n"), "a.toml:1: transfer = 3: expected a table [transfer]");
  EXPECT_EQ(error_of("[model]\nm = [1, 2]\n"), "a.toml:2: model.m = an array: expected an integer in [1, 2147483647]");
}

TEST(Config, OutOfRangeValuesAreRejected) {
  EXPECT_EQ(error_of("[upstream]\nn = 0\n"), "a.toml:2: upstream.n = 0: expected an integer in [1, 2147483647]");
  EXPECT_EQ(error_of("[downstream]\nn = -5\n"), "a.toml:2: downstream.n = -5: expected an integer in [1, 2147483647]");
  EXPECT_EQ(error_of("[transfer]\nalpha = 1.5\n"), "a.toml:2: transfer.alpha = 1.5: expected a number in [0, 1]");
  EXPECT_EQ(error_of("[transfer]\nalpha = -0.1\n"), "a.toml:2: transfer.alpha = -0.1: expected a number in [0, 1]");
  EXPECT_EQ(error_of("[upstream]\np = 0.5\n"), "a.toml:2: upstream.p = 0.5: expected a number in [0, 0.5)");
  EXPECT_EQ(error_of("[data]\nd = 2\n"), "a.toml:2: data.d = 2: expected an integer in [3, 2147483647]");
  EXPECT_EQ(error_of("[upstream]\neta = 0\n"), "a.toml:2: upstream.eta = 0: expected a number > 0");
  EXPECT_EQ(error_of("[downstream]\neta = -1.0\n"), "a.toml:2: downstream.eta = -1.0: expected a number > 0");
  EXPECT_EQ(error_of("[data]\ntheta = nan\n"), "a.toml:2: data.theta = nan: expected a number in [0, 180]");
  EXPECT_EQ(error_of("[downstream]\nsteps = 0\n"), "a.toml:2: downstream.steps = 0: expected an integer in [1, 2147483647]");
  EXPECT_EQ(error_of("[upstream]\neta = inf\n"), "a.toml:2: upstream.eta = inf: expected a number > 0");
  EXPECT_EQ(error_of("[data]\nnorm_u = -inf\n"), "a.toml:2: data.norm_u = -inf: expected a number ≥ 0");
  // Integers must fit their field: 2^32 + 3 must not wrap around to 3.
  EXPECT_EQ(error_of("[data]\nd = 4294967299\n"), "a.toml:2: data.d = 4294967299: expected an integer in [3, 2147483647]");
  EXPECT_NO_THROW(parse_config("[upstream]\nsteps = 0\n", "x"));  // an untrained upstream is allowed
}

TEST(Config, MalformedTomlNamesFileLineAndColumn) {
  const std::string msg = error_of("[data]\nd = = 3\n");
  EXPECT_EQ(msg.rfind("a.toml:2:", 0), 0u) << msg;
  EXPECT_NE(msg.find("malformed TOML"), std::string::npos);
}

TEST(Config, BytesTomlPlusPlusCannotSurviveAreRefusedBeforeParsing) {
  // A NUL byte (toml++ 3.3 crashed on this one), bytes that are not UTF-8, non-ASCII outside a
  // string (toml++'s Unicode tables reach __builtin_unreachable), nesting that would recurse deep.
  EXPECT_EQ(error_of(std::string("\0[\x15" "data]\nd = -5\n", 16)), "a.toml:1:1: NUL byte; expected UTF-8 text");
  EXPECT_EQ(error_of("[data]\nd = 2\xff\n"), "a.toml:2:6: byte 0xFF is not UTF-8; expected UTF-8 text");
  EXPECT_EQ(error_of("[data]\nd = \xc0\x80\n"), "a.toml:2:5: byte 0xC0 is not UTF-8; expected UTF-8 text");  // overlong
  EXPECT_EQ(error_of("[data]\nd = \xed\xa0\x80\n"), "a.toml:2:5: byte 0xED is not UTF-8; expected UTF-8 text");  // surrogate
  EXPECT_EQ(error_of("[data]\nd = 2000\xc2\xa0\n"),
            "a.toml:2:9: non-ASCII character outside a string or comment; expected keys and values in ASCII (quote "
            "text)");
  EXPECT_EQ(error_of("v = " + std::string(40, '[') + std::string(40, ']') + "\n"),
            "a.toml:1:37: brackets nested more than 32 deep; expected a ptlab config");
  // A long unknown key gets no suggestion (edit distance is quadratic in its length).
  EXPECT_EQ(error_of("[data]\n" + std::string(70, 'a') + " = 1\n"),
            "a.toml:2: unknown key 'data." + std::string(70, 'a') + "' (see `ptlab config --default` for every key)");
  // UTF-8 inside strings and comments is text like any other.
  EXPECT_EQ(error_of("# é\n[transfer]\nrule = \"é\"\n"),
            "a.toml:3: transfer.rule = \"é\": expected one of \"filter\", \"entry\", \"layer\", \"activation\", \"oracle\"");
  EXPECT_EQ(error_of("[transfer]\nrule = \"\"\"\né\"\"\"\n").rfind("a.toml:2: transfer.rule", 0), 0u);
  // A --set value that is not TOML is a bare word, whatever its bytes.
  EXPECT_EQ(error_of("", {"transfer.rule=\xc3\xa9"}), "--set transfer.rule=é: transfer.rule = \"é\": expected one of "
                                                         "\"filter\", \"entry\", \"layer\", \"activation\", \"oracle\"");
}

TEST(Config, UnreadableFileIsAnInputError) {
  try {
    experiment::load_config("/nonexistent/dir/x.toml");
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/x.toml: cannot read config file: No such file or directory");
  }
}

TEST(Config, KeysUsedAsTablesAndSectionsUsedAsKeysAreNamed) {
  EXPECT_EQ(error_of("", {"transfer.alpha.x=3"}),
            "--set transfer.alpha.x=3: unknown key 'transfer.alpha.x': transfer.alpha is a value, not a table");
  EXPECT_EQ(error_of("", {"transfer={alpha=0.3}"}),
            "--set transfer={alpha=0.3}: transfer is a section; set its keys one at a time, e.g. --set "
            "transfer.rule=VALUE");
}

TEST(Config, DirectoryGivenAsConfigIsAnInputError) {
  try {
    experiment::load_config(std::filesystem::temp_directory_path().string());
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory; expected a TOML config file"), std::string::npos);
  }
}

TEST(Config, OverridesParseTomlValuesAndBareWords) {
  const auto spec = parse_config("", "x",
                                 {" transfer.alpha = 0.25 ", "transfer.rule=entry", "transfer.freeze=true",
                                  "data.layout=\"separate\"", "upstream.n=7", "model.sigma_0=1e-3"});
  EXPECT_DOUBLE_EQ(spec.transfer.alpha, 0.25);
  EXPECT_EQ(spec.transfer.rule, transfer::Rule::entry);
  EXPECT_TRUE(spec.transfer.freeze);
  EXPECT_EQ(spec.frame.layout, data::Layout::separate);
  EXPECT_EQ(spec.upstream.n, 7);
  EXPECT_DOUBLE_EQ(spec.model.sigma_0, 1e-3);
  // Later overrides win, and they win over the file.
  EXPECT_DOUBLE_EQ(parse_config("[transfer]\nalpha = 0.9\n", "x", {"transfer.alpha=0.1", "transfer.alpha=0.2"})
                       .transfer.alpha,
                   0.2);
}

TEST(Config, BadOverridesAreOneLineErrors) {
  EXPECT_EQ(error_of("", {"transfer.alpha"}), "--set transfer.alpha: expected key=value, e.g. transfer.alpha=0.5");
  EXPECT_EQ(error_of("", {"transfer.alpha=2"}), "--set transfer.alpha=2: transfer.alpha = 2: expected a number in [0, 1]");
  EXPECT_EQ(error_of("", {"transfer.alpha=abc"}),
            "--set transfer.alpha=abc: transfer.alpha = \"abc\": expected a number in [0, 1]");
  EXPECT_EQ(error_of("", {"transfer.alhpa=0.3"}),
            "--set transfer.alhpa=0.3: unknown key 'transfer.alhpa' (did you mean 'transfer.alpha'?)");
}

TEST(Config, ShippedPaperConfigIsTheDefault) {
  const auto spec = experiment::load_config(std::string(PTLAB_SOURCE_DIR) + "/configs/paper.toml");
  EXPECT_EQ(canonical_toml(spec), canonical_toml(experiment::ExperimentSpec{}));
}

TEST(Config, ShippedConfigsAllLoad) {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(PTLAB_SOURCE_DIR) + "/configs"))
    if (entry.path().extension() == ".toml") {
      EXPECT_NO_THROW(experiment::load_config(entry.path().string())) << entry.path();
    }
}

TEST(Config, ShippedSweepConfigsAllLoad) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(PTLAB_SOURCE_DIR) + "/configs/sweeps"))
    if (entry.path().extension() == ".toml") {
      EXPECT_NO_THROW(experiment::load_sweep(entry.path().string())) << entry.path();
      ++n;
    }
  EXPECT_GE(n, 5);
}

TEST(Config, EveryKeyIsDocumentedInTheDefaultText) {
  const std::string text = canonical_toml(experiment::ExperimentSpec{}, true);
  for (const auto& key : experiment::config_keys()) {
    const std::string name = key.substr(key.find('.') + 1);
    EXPECT_NE(text.find("\n" + name + " "), std::string::npos) << key;
  }
  EXPECT_EQ(std::count(text.begin(), text.end(), '#'),
            static_cast<long>(experiment::config_keys().size()));
}
