// `ptlab advise-bench BENCH`: how good is `ptlab advise`? Task pairs drawn from a documented prior,
// each probed as `advise` does and then run in full for ground truth (docs/advice.md).
#include <fmt/format.h>

#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/advise/bench_metrics.hpp"
#include "ptlab/core/error.hpp"
#include "ptlab/core/file_io.hpp"
#include "ptlab/report/advice_bench.hpp"
#include "ptlab/store/export.hpp"

namespace ptlab::cli {

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
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("bench", args->path, "Benchmark config (TOML), e.g. configs/advise/theory_bench.toml")->required();
  cmd->add_option("--limit", args->limit,
                  "Run only the first N pairs (a quick look; the split into parts is unchanged)")
      ->check(integer_in(1, 100000));
  add_threads_option(*cmd, args->threads, "Pairs run at once (default: all cores)");
  cmd->add_option("--format", args->format, "table or json (json: metrics and every pair)")
      ->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->add_option("--out", args->out, "Also write the JSON document (metrics and every pair) to this file");
  cmd->add_option("--rescore", args->rescore,
                  "Score the pairs of a document written by --out (same benchmark config) instead of running them: "
                  "for trying other decision rules ([probe] levels, margins, min_avoidance) in seconds");
  return [&io, args]() {
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
