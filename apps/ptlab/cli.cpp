#include "cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <limits>
#include <new>
#include <ostream>

#include "ptlab/core/error.hpp"
#include "ptlab/core/version.hpp"

namespace ptlab::cli {

namespace {

// Error text as exactly one line: control characters (a newline inside a quoted TOML string, say)
// are shown escaped.
std::string one_line(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else out += c;
  }
  // A message echoes what it refuses; a refused value of megabytes must not make a line of
  // megabytes. The head names the place and the tail says what was expected: keep both.
  constexpr std::size_t kHead = 1500, kTail = 1000;
  if (out.size() > kHead + kTail + 64) {
    std::size_t head = kHead, tail = out.size() - kTail;
    while (head > 0 && (static_cast<unsigned char>(out[head]) & 0xC0) == 0x80) --head;  // whole UTF-8 characters
    while (tail < out.size() && (static_cast<unsigned char>(out[tail]) & 0xC0) == 0x80) ++tail;
    out = out.substr(0, head) + fmt::format(" […{} characters…] ", tail - head) + out.substr(tail);
  }
  return out;
}

}  // namespace

CLI::Validator integer_in(int lo, int hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::size_t used = 0;
        long long value = 0;
        try {
          value = std::stoll(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size() || value < lo || value > hi)
          return fmt::format("expected an integer in [{}, {}], got '{}'", lo, hi, text);
        return "";
      },
      fmt::format("INT in [{}, {}]", lo, hi));
}

namespace {

// Under mpirun every rank parses the same input; only rank 0 reports a bad one.
bool quiet_rank() {
  for (const char* var : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"}) {
    const char* v = std::getenv(var);
    if (v != nullptr) return std::atoi(v) != 0;
  }
  return false;
}

}  // namespace

int run(const std::vector<std::string>& args, Io& io) {
  CLI::App app{"ptlab: partial parameter transfer lab (theory model of arXiv 2509.22056)", "ptlab"};
  app.require_subcommand(1);
  app.set_version_flag("--version", core::build_info().version + " (" + core::build_info().git_sha + ")");
  std::vector<std::pair<CLI::App*, Action>> commands;
  const auto add = [&](auto adder) {
    const std::size_t before = app.get_subcommands({}).size();
    Action action = adder(app, io);
    commands.emplace_back(app.get_subcommands({}).at(before), std::move(action));
  };
  add(add_run_command);
  add(add_config_command);
  add(add_sweep_command);
  add(add_export_command);
  add(add_merge_command);
  add(add_plot_command);
  add(add_report_command);
  add(add_theory_command);
  add(add_verify_command);
  add(add_deep_command);
  add(add_advise_command);
  add(add_advise_bench_command);
  add(add_score_command);

  // CLI11 would only say "a subcommand is required"; name the unknown word instead.
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    bool known = false;
    for (const auto& [sub, action] : commands) known = known || sub->get_name() == args[0];
    if (!known) {
      std::string names;
      for (const auto& [sub, action] : commands) names += (names.empty() ? "" : ", ") + sub->get_name();
      io.err << "ptlab: unknown command '" << one_line(args[0]) << "': expected one of " << names << "\n";
      return 2;
    }
  }
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    io.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    io.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    io.out << app.version() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    // A subcommand's --help arrives here as CallForHelp from the subcommand.
    if (e.get_name() == "CallForHelp") {
      for (const auto& [sub, action] : commands)
        if (sub->parsed()) {
          io.out << sub->help();
          return 0;
        }
      io.out << app.help();
      return 0;
    }
    // One line, lower-case like ptlab's own messages, pointing at the right help.
    std::string message = e.what();
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::string help = "ptlab --help";
    for (const auto& [sub, action] : commands)
      if (!args.empty() && sub->get_name() == args[0]) help = "ptlab " + args[0] + " --help";
    io.err << "ptlab: " << one_line(message) << " (see " << help << ")\n";
    return 2;
  }
  try {
    for (const auto& [sub, action] : commands)
      if (sub->parsed()) return action();
  } catch (const core::InputError& e) {
    if (!quiet_rank()) io.err << "ptlab: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const core::IoError& e) {
    // Not quieted under MPI: each rank's own disk or store may have failed.
    io.err << "ptlab: I/O error: " << one_line(e.what()) << "\n";
    return 3;
  } catch (const std::bad_alloc&) {
    // The sizes asked for do not fit this machine (or its memory limit): bad input for it, as the
    // estimate before running says for sizes it can foresee.
    io.err << "ptlab: out of memory; expected smaller sizes (data.d, model.m, n, data.n_test) or --threads 1\n";
    return 2;
  } catch (const std::exception& e) {
    io.err << "ptlab: internal error: " << one_line(e.what()) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ptlab::cli
