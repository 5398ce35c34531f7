// `ptlab advise-bench BENCH`: how good is `ptlab advise`? Task pairs drawn from a documented prior,
// each probed as `advise` does and then run in full for ground truth (docs/advice.md).
#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <unistd.h>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/advise/bench_metrics.hpp"
#include "ptlab/advise/deep_bench.hpp"
#include "ptlab/advise/deep_calibration.hpp"
#include "ptlab/experiment/deep_run.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/report/advice_bench.hpp"
#include "ptlab/store/export.hpp"

namespace ptlab::cli {

namespace {

// `ptlab advise-bench` on a deep benchmark (configs/advise/deep_bench.toml, its held-out part
// configs/advise/deep_bench_heldout.toml).
template <class Args>
int run_deep_bench_command(Io& io, const Args& args) {
  namespace fs = std::filesystem;
  advise::DeepBenchConfig config = advise::load_deep_bench(args.path);
  if (!args.write_calibration.empty() && config.part != "development")
    throw core::InputError(fmt::format("--write-calibration: {} is the {} part; expected a benchmark whose [bench] part is "
                                       "\"development\" (a calibration is never fitted on held-out pairs)", args.path,
                                       config.part));
  std::optional<advise::DeepCalibration> calibration;
  if (!args.calibration.empty()) calibration = advise::load_deep_calibration(args.calibration);
  if (!args.out.empty()) store::check_export_path(args.out);
  if (!args.write_calibration.empty()) store::check_export_path(args.write_calibration);
  const int last = args.limit > 0 ? std::min<int>(args.limit, static_cast<int>(config.pairs.size()))
                                  : static_cast<int>(config.pairs.size());
  std::vector<std::vector<advise::PairOutcome>> runs;
  std::vector<std::string> labels;
  if (!args.rescore.empty()) {
    // The pairs of an earlier run (its first schedule, advise's): nothing is trained.
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(core::read_text_file(args.rescore, "document",
                                                       "a JSON document written by advise-bench --out", 1ull << 30));
    } catch (const nlohmann::json::exception& e) {
      throw core::InputError(fmt::format("--rescore {}: not JSON ({})", args.rescore, e.what()));
    }
    runs.push_back(report::read_deep_bench_pairs(doc, config, "--rescore " + args.rescore));
    if (static_cast<int>(runs.front().size()) > last) runs.front().resize(static_cast<std::size_t>(last));
    labels.push_back(advise::to_string(config.schedules.front()) + ", advise's, from " + args.rescore);
  } else {
    if (!experiment::deep_available()) experiment::run_deep(config.pairs.front().spec);  // says there is no LibTorch
    if (!args.checkpoints.empty()) experiment::check_checkpoints(args.checkpoints);
    // Every pair, before hours of work: what the data, the models and the probes would refuse.
    for (auto& p : config.pairs) {
      if (args.threads > 0) p.spec.threads = args.threads;
      try {
        experiment::check_deep(p.spec);
        advise::check_deep_advise(p.spec, config.advise);
      } catch (const core::InputError& e) {
        throw core::InputError(fmt::format("{}: pair \"{}\": {}", args.path, p.name, e.what()));
      }
    }
    std::string checkpoints = args.checkpoints;
    const bool temporary = checkpoints.empty();
    if (temporary) {
      checkpoints = (fs::temp_directory_path() / fmt::format("ptlab-advise-bench-{}", ::getpid())).string();
      fs::create_directories(checkpoints);
    }
    Progress progress(io.err, io.err_is_terminal, "task pairs");
    try {
      runs = advise::run_deep_bench(config, last, checkpoints, [&](int done, int total) { progress.update(done, total); },
                                    [&](const std::string& m) { if (!io.err_is_terminal) io.err << m << "\n"; });
    } catch (...) {
      if (temporary) fs::remove_all(checkpoints);
      throw;
    }
    if (temporary) fs::remove_all(checkpoints);
    for (std::size_t k = 0; k < runs.size(); ++k)
      labels.push_back(advise::to_string(config.schedules[k]) + (k == 0 ? ", advise's" : ""));
  }
  if (calibration) {
    runs.push_back(advise::calibrate(runs.front(), *calibration));
    labels.push_back(fmt::format("{} calibrated by {} ({} upstream − fresh{}, fitted on {} development pairs)",
                                 advise::to_string(config.schedules.front()), args.calibration, calibration->score,
                                 calibration->probe_term ? " and the probe" : "", calibration->pairs));
  }
  // One block per probe schedule (and the calibrated one last).
  nlohmann::json doc = {{"half", "deep"}, {"seeds", config.seeds}, {"schedules", nlohmann::json::array()}};
  std::string text;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const advise::PartMetrics part = advise::part_metrics(runs[k], config.part, config.advise.rule);
    nlohmann::json one = report::advice_bench_json({part}, runs[k]);
    one["schedule"] = labels[k];
    doc["schedules"].push_back(std::move(one));
    text += report::advice_bench_text(
                {part}, fmt::format("ptlab advise-bench {}  ({} of {} pairs, {} paired seeds each; probe schedule {}; "
                                    "{} part, the rule fixed before)", args.path, runs[k].size(), config.pairs.size(),
                                    config.seeds, labels[k], config.part))
            + "\n" + report::deep_bench_pairs_text(runs[k], config.advise.rule) + "\n";
  }
  if (!args.write_calibration.empty()) {
    const advise::DeepCalibration fitted = advise::fit_deep_calibration(runs.front());
    store::write_export(args.write_calibration,
                        advise::deep_calibration_toml(
                            fitted, fmt::format("Score calibration of deep advice (docs/advice.md, \"Calibrated deep advice\"),\n"
                                                "fitted on the {} development pairs of {} (probe schedule {}).\n"
                                                "Written by: ptlab advise-bench {}{} --write-calibration {}",
                                                fitted.pairs, args.path, advise::to_string(config.schedules.front()),
                                                args.path, args.rescore.empty() ? "" : " --rescore " + args.rescore,
                                                args.write_calibration)));
    text += fmt::format("calibration written to {}: {} upstream − fresh{}, leave-one-pair-out RMS error {:.2f} points\n",
                        args.write_calibration, fitted.score, fitted.probe_term ? " and the probe's gain" : "",
                        fitted.loo_rmse);
  }
  if (!args.out.empty()) store::write_export(args.out, doc.dump(1) + "\n");
  if (args.format == "json") {
    io.out << doc.dump(2) << "\n";
    return 0;
  }
  io.out << text;
  return 0;
}

}  // namespace

Action add_advise_bench_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "advise-bench", "Score `ptlab advise` against ground truth: task pairs from a prior, each probed as advise does, "
                      "then run in full; metrics on a development part and a held-out part");
  struct Args {
    std::string path;
    int limit = 0;
    int threads = 0;
    std::string format = "table";
    std::string out;
    std::string rescore;
    std::string checkpoints;
    std::string calibration;
    std::string write_calibration;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("bench", args->path, "Benchmark config (TOML), e.g. configs/advise/theory_bench.toml")->required();
  cmd->add_option("--limit", args->limit,
                  "Run only the first N pairs (a quick look; the split into parts is unchanged)")
      ->check(integer_in(1, 100000));
  add_threads_option(*cmd, args->threads,
                     "Theory: pairs run at once; deep: LibTorch threads of each run (default: all cores)");
  cmd->add_option("--format", args->format, "table or json (json: metrics and every pair)")
      ->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->add_option("--out", args->out, "Also write the JSON document (metrics and every pair) to this file");
  cmd->add_option("--rescore", args->rescore,
                  "Score the pairs of a document written by --out (same benchmark config) instead of running them: "
                  "for trying other decision rules ([probe] levels, margins, min_avoidance) in seconds");
  cmd->add_option("--checkpoints", args->checkpoints,
                  "Deep benchmarks: directory for the upstream checkpoints the pairs share (kept; default: a "
                  "temporary directory, removed at the end)");
  cmd->add_option("--calibration", args->calibration,
                  "Deep benchmarks: also score advise with its predictions calibrated by this file (written by "
                  "--write-calibration), e.g. configs/advise/deep_calibration.toml");
  cmd->add_option("--write-calibration", args->write_calibration,
                  "Deep benchmarks of the development part: fit the score calibration on the pairs and write it "
                  "to this file (with --rescore: from an earlier run, nothing trained)");
  return [&io, args]() {
    if (!advise::is_deep_bench(args->path) && (!args->calibration.empty() || !args->write_calibration.empty()))
      throw core::InputError("--calibration/--write-calibration: only for deep benchmarks (configs/advise/deep_bench.toml); "
                             "theory benchmarks tune their rule on their own development part");
    if (advise::is_deep_bench(args->path)) return run_deep_bench_command(io, *args);
    const advise::BenchConfig config = advise::load_bench_config(args->path);
    if (!args->out.empty()) store::check_export_path(args->out);  // before hours of work
    const int last = args->limit > 0 ? std::min(args->limit, config.pairs) : config.pairs;
    std::vector<advise::PairOutcome> pairs;
    if (!args->rescore.empty()) {
      nlohmann::json doc;
      try {
        doc = nlohmann::json::parse(core::read_text_file(args->rescore, "document", "a JSON document written by advise-bench --out",
                                                     1ull << 30));
      } catch (const nlohmann::json::exception& e) {
        throw core::InputError(fmt::format("--rescore {}: not JSON ({})", args->rescore, e.what()));
      }
      pairs = report::read_advice_bench_pairs(doc, config, "--rescore " + args->rescore);
      if (static_cast<int>(pairs.size()) > last) pairs.resize(static_cast<std::size_t>(last));
    } else {
      Progress progress(io.err, io.err_is_terminal, "task pairs");
      pairs = advise::run_bench(config, 0, last, args->threads, [&](int done, int total) { progress.update(done, total); });
    }
    const std::vector<advise::PartMetrics> parts = advise::bench_metrics(pairs, config.levels, config.margins, config.min_avoidance);
    const nlohmann::json doc = report::advice_bench_json(parts, pairs);
    const int shown = static_cast<int>(pairs.size());
    if (!args->out.empty()) store::write_export(args->out, doc.dump(1) + "\n");
    if (args->format == "json") {
      io.out << doc.dump(2) << "\n";
    } else {
      io.out << report::advice_bench_text(
                    parts, fmt::format("ptlab advise-bench {}  ({} of {} pairs, {} paired seeds each)", args->path,
                                       shown, config.pairs, config.seeds));
    }
    return 0;
  };
}

}  // namespace ptlab::cli
