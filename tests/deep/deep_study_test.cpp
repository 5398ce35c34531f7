// The deep half end to end on tiny generated IDX files: activation-based channel selection, the
// study store (records, resuming, export, plot, report), upstream checkpoints, the rotation
// pretext task and the device switch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ptlab/report/deep_table.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/experiment/deep_sweep.hpp"
#include "ptlab/model/deep/models.hpp"
#include "ptlab/report/html.hpp"
#include "support/study_runs.hpp"
#include "ptlab/store/export.hpp"
#include "ptlab/transfer/deep/copy.hpp"
#include "support/image_files.hpp"
#include "support/temp_dir.hpp"

using namespace ptlab;
namespace md = ptlab::model::deep;
namespace td = ptlab::transfer::deep;

TEST(DeepActivation, ScoresPerBlockAndTheTopChannelsAreCopied) {
  for (const auto& arch : md::architectures()) {
    torch::manual_seed(3);
    auto m = md::make_model({arch, 1, 4, 16});
    const auto scores = td::channel_scores(*m, torch::randn({6, 1, 16, 16}));
    const auto names = m->blocks().names;
    EXPECT_EQ(scores.size(), names.size() - 1) << arch;  // every block but the head
    EXPECT_FALSE(scores.count("head")) << arch;
    for (const auto& [block, s] : scores) EXPECT_TRUE((s >= 0).all().item<bool>()) << arch << " " << block;
  }
  torch::manual_seed(1);
  auto source = md::make_model({"resnet8", 1, 4, 16});
  torch::manual_seed(2);
  auto target = md::make_model({"resnet8", 1, 4, 16});
  const auto before = td::state_of(*target);
  std::map<std::string, torch::Tensor> kept;
  for (const auto& [k, v] : before) kept[k] = v.clone();
  const auto src = td::state_of(*source);
  const auto scores = td::channel_scores(*source, torch::randn({8, 1, 16, 16}));
  ASSERT_EQ(scores.at("stage2.0").numel(), 32);
  const auto report = td::transfer(src, *target, target->blocks(), {.rule = td::Rule::channel, .alpha = 0.25, .scores = scores});
  const auto after = td::state_of(*target);
  // The 8 channels of stage2.0 with the highest scores are the ones copied (fresh BatchNorms are
  // equal in both models, so the convolutions show it).
  const auto top = std::get<1>(scores.at("stage2.0").topk(8));
  std::set<std::int64_t> expected;
  for (std::int64_t i = 0; i < 8; ++i) expected.insert(top[i].item<std::int64_t>());
  for (const char* name : {"stage2.0.conv1.weight", "stage2.0.conv2.weight", "stage2.0.shortcut.0.weight"}) {
    std::set<std::int64_t> copied;
    for (std::int64_t c = 0; c < 32; ++c) {
      if (torch::equal(after.at(name)[c], src.at(name)[c])) {
        copied.insert(c);
      } else {
        EXPECT_TRUE(torch::equal(after.at(name)[c], kept.at(name)[c])) << name << " " << c;
      }
    }
    EXPECT_EQ(copied, expected) << name;
  }
  for (const auto& t : report.tensors) {
    if (t.name == "stage2.0.conv1.weight") {
      EXPECT_EQ(t.note, "channels by activation");
    }
  }
  // A ViT's qkv projection (3E rows) has no score of its size: random, and the report says so.
  torch::manual_seed(4);
  auto vit = md::make_model({"vit", 1, 4, 16});
  const auto vit_report = td::transfer(td::state_of(*vit), *vit, vit->blocks(),
                                       {.alpha = 0.5, .scores = td::channel_scores(*vit, torch::randn({2, 1, 16, 16}))});
  bool noted = false;
  for (const auto& t : vit_report.tensors) {
    if (t.name == "blocks0.attn.in_proj_weight") noted = t.note.find("random") != std::string::npos;
  }
  EXPECT_TRUE(noted);
  // Broadcast leading dimensions (class token 1 × 1 × 96, positions 1 × 17 × 96): α picks along
  // the width, so ⌊0.5 · 96⌋ = 48 channels of each move.
  for (const auto& t : vit_report.tensors) {
    if (t.name == "embed.cls_token") {
      EXPECT_EQ(t.copied, 48);
    }
    if (t.name == "embed.pos_embed") {
      EXPECT_EQ(t.copied, 48 * 17);
    }
  }
}

class DeepStudy : public ptlab::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ptlab::testing::write_idx(path("train-images-idx3-ubyte"), path("train-labels-idx1-ubyte"), ptlab::testing::corners(400, 1));
    ptlab::testing::write_idx(path("t10k-images-idx3-ubyte"), path("t10k-labels-idx1-ubyte"), ptlab::testing::corners(120, 2));
  }
  // A tiny config: `extra` sections go before [run]; `upstream` and `run` add keys to those
  // sections (an upstream per_class there replaces the default 60).
  std::string config(const std::string& extra, const std::string& upstream = "", const std::string& run = "") const {
    const std::string per_class = upstream.find("per_class") == std::string::npos ? "per_class = 60\n" : "";
    return "[data]\ndataset = \"idx\"\ndir = \"" + dir_.string() + "\"\n[upstream]\n" + upstream + per_class +
           "classes = [0, 1]\nepochs = 3\nbatch_size = 32\n"
           "[downstream]\nclasses = [2, 3]\nper_class = 10\nepochs = 2\nbatch_size = 8\n" + extra +
           "[run]\nseeds = 1\nthreads = 1\n" + run;
  }
};

TEST_F(DeepStudy, RecordsResumeExportReportAndCheckpoints) {
  const auto sweep = experiment::parse_deep_sweep(config("[transfer]\nalphas = [0.0, 0.5]\nselect = \"activation\"\n"),
                                                  "tiny.toml");
  const std::string db = path("deep.db");
  const auto first = support::run_deep(sweep, db, {.checkpoints = path("ck")});
  EXPECT_EQ(first.ran, 2);
  ASSERT_EQ(first.points.size(), 1u);
  const auto& records = first.points[0].result.records;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].transfer_accuracy, records[0].scratch_accuracy);  // α = 0 is scratch
  {
    const auto study = store::Study::open_existing(db);
    EXPECT_TRUE(store::is_deep_study(study));
    const auto rows = study.rows();
    ASSERT_EQ(rows.size(), 2u);
    const auto r = nlohmann::json::parse(rows[1].record);
    EXPECT_EQ(r["kind"], "deep");
    EXPECT_DOUBLE_EQ(r["ntg"].get<double>(), r["scratch"]["test_accuracy"].get<double>() - r["transfer"]["test_accuracy"].get<double>());
    EXPECT_EQ(nlohmann::json::parse(rows[1].point)["transfer.alpha"], 0.5);
    EXPECT_EQ(experiment::parse_deep_config(rows[1].config, "stored").alphas, (std::vector<double>{0.5}));
    // Curves: 3 upstream + 2 transfer + 2 scratch epochs.
    EXPECT_EQ(std::count(rows[1].curves.begin(), rows[1].curves.end(), '\n'), 7);
    EXPECT_NE(store::export_runs_csv(study).find("transfer_test_accuracy"), std::string::npos);
    const std::string html = report::write_report(study, path("report"));
    EXPECT_NE(html.find("report"), std::string::npos);
    std::ifstream in(html);
    const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(page.find("Candidate indicators"), std::string::npos);  // theory-only section
    EXPECT_NE(page.find("transfer.alpha"), std::string::npos);
  }
  // Rerun: nothing left, nothing trained. One more seed: only its runs.
  EXPECT_EQ(support::run_deep(sweep, db).ran, 0);
  auto more = sweep;
  more.seeds = 2;
  const auto second = support::run_deep(more, db);
  EXPECT_EQ(second.ran, 2);
  EXPECT_EQ(second.skipped, 2);
  EXPECT_EQ(second.points[0].result.records.size(), 4u);
  // Another base config does not go into this store.
  const auto other = experiment::parse_deep_sweep(config("[transfer]\nalphas = [1.0]\n"), "other.toml");
  EXPECT_THROW(support::run_deep(other, db), core::InputError);
  // The checkpoint replaces upstream training and gives the same downstream results.
  ASSERT_EQ(std::distance(std::filesystem::directory_iterator(path("ck")), std::filesystem::directory_iterator{}), 2);
  std::vector<std::string> messages;
  const auto again = support::run_deep(sweep, "", {.checkpoints = path("ck"),
                                                   .message = [&](const std::string& m) { messages.push_back(m); }});
  ASSERT_EQ(again.points[0].result.records.size(), 2u);
  EXPECT_NE(messages.front().find("upstream read from"), std::string::npos);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(again.points[0].result.records[i].upstream_accuracy, records[i].upstream_accuracy);
    EXPECT_EQ(again.points[0].result.records[i].transfer_accuracy, records[i].transfer_accuracy);
  }
}

TEST_F(DeepStudy, RotationUpstreamAndDeviceSwitch) {
  auto spec = experiment::parse_deep_config(config("[transfer]\nalphas = [1.0]\n", "task = \"rotation\"\n"), "rot.toml");
  std::vector<std::string> messages;
  const auto r = experiment::run_deep(spec, {.message = [&](const std::string& m) { messages.push_back(m); }});
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_NE(messages.front().find("rotation task"), std::string::npos);
  EXPECT_GE(r.records[0].upstream_accuracy, 0.0);
  EXPECT_GT(r.records[0].copied_fraction, 0.9);  // the 4-way rotation head is not copied, the rest is
  EXPECT_NE(report::deep_table(r, "t").find("rotation prediction"), std::string::npos);
  if (!torch::cuda::is_available()) {
    spec.device = experiment::DeepDevice::cuda;
    EXPECT_THROW(experiment::run_deep(spec), core::InputError);
  }
}

TEST_F(DeepStudy, InputOnlyTheDataCanCheckFailsBeforeAStoreExists) {
  const auto refused = [&](const std::string& text, const std::string& fragment) {
    const auto sweep = experiment::parse_deep_sweep(text, "bad.toml");
    try {
      support::run_deep(sweep, path("bad.db"));
      ADD_FAILURE() << fragment;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(path("bad.db"))) << fragment;
  };
  refused(config("[transfer]\nalphas = [1.0]\n", "per_class = 5000\n"), "upstream.per_class");
  refused(config("[transfer]\nrule = \"blocks\"\nblocks = [1, 5]\n"), "transfer.blocks");
  auto other = md::make_model({"vit", 1, 2, 12});
  td::save_state(*other, path("vit.pt"));
  refused(config("[transfer]\nalphas = [1.0]\nimport = \"" + path("vit.pt") + "\"\n"), "transfer.import");
  if (!torch::cuda::is_available()) refused(config("[transfer]\nalphas = [1.0]\n", "", "device = \"cuda\"\n"), "cuda");
  // A study grows by settings: more alphas go into the same store.
  const std::string db = path("grow.db");
  support::run_deep(experiment::parse_deep_sweep(config("[transfer]\nalphas = [0.0]\n"), "a.toml"), db);
  const auto grown = support::run_deep(experiment::parse_deep_sweep(config("[transfer]\nalphas = [0.0, 1.0]\n"), "a.toml"), db);
  EXPECT_EQ(grown.ran, 1);
  EXPECT_EQ(grown.skipped, 1);
}


namespace {

// Every stored run of a deep study without its wall-clock fields, sorted by (run hash, seed).
std::vector<std::string> pure_deep_rows(const std::string& db) {
  std::vector<std::string> out;
  for (const auto& row : store::Study::open_existing(db).rows()) {
    auto record = nlohmann::json::parse(row.record);
    record.erase("wall_s");
    out.push_back(row.run_hash + " " + std::to_string(row.seed) + " " + row.status + " " + row.point + "\n" + row.config +
                  "\n" + record.dump() + "\n" + row.curves);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_F(DeepStudy, TwoShardsPlusMergeAndMpirunGiveTheRecordsOfOneProcess) {
  // 2 points × 2 settings × 2 seeds = 8 runs in 4 (point, seed) jobs.
  std::ofstream(path("sweep.toml")) << config("[transfer]\nalphas = [0.0, 1.0]\n[sweep]\nseeds = 2\n[[sweep.axis]]\n"
                                              "key = \"downstream.lr\"\nvalues = [0.05, 0.1]\n");
  const std::string exe = PTLAB_EXE;
  const auto run = [&](const std::string& args, const std::string& log) {
    return std::system((exe + " sweep " + path("sweep.toml") + " " + args + " > " + path(log) + " 2>&1").c_str());
  };
  ASSERT_EQ(run("--store " + path("one.db"), "one.log"), 0) << "see " << path("one.log");
  const auto one = pure_deep_rows(path("one.db"));
  ASSERT_EQ(one.size(), 8u);
  ASSERT_EQ(run("--store " + path("s.db") + " --shard 0/2", "s0.log"), 0) << "see " << path("s0.log");
  ASSERT_EQ(run("--store " + path("s.db") + " --shard 1/2", "s1.log"), 0) << "see " << path("s1.log");
  const auto s0 = pure_deep_rows(path("s.shard-0-of-2.db")), s1 = pure_deep_rows(path("s.shard-1-of-2.db"));
  EXPECT_EQ(s0.size(), 4u);  // each shard holds two whole (point, seed) jobs
  EXPECT_EQ(s1.size(), 4u);
  ASSERT_EQ(std::system((exe + " merge " + path("merged.db") + " " + path("s.shard-0-of-2.db") + " " +
                         path("s.shard-1-of-2.db") + " > " + path("merge.log") + " 2>&1").c_str()), 0);
  EXPECT_EQ(pure_deep_rows(path("merged.db")), one);
  if (std::system("command -v mpirun > /dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun not installed (openmpi-bin)";
  const std::string mpi = "mpirun --allow-run-as-root --oversubscribe -n 3 " + exe + " sweep " + path("sweep.toml") +
                          " --store " + path("mpi.db") + " > " + path("mpi.log") + " 2>&1";
  ASSERT_EQ(std::system(mpi.c_str()), 0) << "see " << path("mpi.log");
  EXPECT_EQ(pure_deep_rows(path("mpi.db")), one);
  ASSERT_EQ(std::system(mpi.c_str()), 0);  // rerunning resumes: nothing left
  std::ifstream log(path("mpi.log"));
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("ran 0 of 8 runs, 8 already there"), std::string::npos) << text;
}
