// `ptlab verify [--quick]`: the claim suite and the indicator scores.
#include <ostream>

#include "cli.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "ptlab/report/theory_text.hpp"
#include "ptlab/verify/claims.hpp"

namespace ptlab::cli {

Action add_verify_command(CLI::App& app, Io& io) {
  CLI::App* cmd = app.add_subcommand(
      "verify", "Test the theory's claims against simulation (NTG against alpha, n1 and upstream noise; negative "
                "transfer for weak u; layer = filter at alpha = 1; the Kou et al. scratch boundary) and score "
                "the candidate indicators");
  struct Args {
    bool quick = false;
    int threads = 0;
    bool markdown = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_flag("--quick", args->quick, "Small sizes (d = 400, m = 10, 300 steps): about 15 s on 2 cores");
  add_threads_option(*cmd, args->threads, "Worker threads (default: all cores); results do not depend on it");
  cmd->add_flag("--markdown", args->markdown, "Print Markdown tables (for docs) instead of the terminal summary");
  return [&io, args]() {
    verify::VerifyOptions options;
    options.quick = args->quick;
    options.threads = args->threads;
    Progress progress(io.err, io.err_is_terminal, "verify");
    options.progress = [&progress](int done, int total) { progress.update(done, total); };
    const verify::VerifyResult result = verify::run_claims(options);
    io.out << report::verify_text(result, args->markdown);
    return 0;  // an unsupported claim is a finding, not a failure
  };
}

}  // namespace ptlab::cli
