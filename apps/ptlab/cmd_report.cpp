// `ptlab report STUDY`: a static HTML page with the results table and the figures.
#include <ostream>

#include "cli.hpp"
#include "ptlab/report/html.hpp"

namespace ptlab::cli {

Action add_report_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand("report", "Write a static HTML report of a study (results table, figures, config)");
  struct Args {
    std::string study;
    std::string out = "report";
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("study", args->study, "Study file written by ptlab sweep")->required();
  cmd->add_option("--out", args->out, "Directory for index.html and figures/")->capture_default_str();
  return [&io, args]() {
    const store::Study study = store::Study::open_existing(args->study);
    io.out << report::write_report(study, args->out) << "\n";
    return 0;
  };
}

}  // namespace ptlab::cli
