// Runs a fuzz harness without libFuzzer (the GCC build, where the deep half's harness lives, or a
// replay of findings): each argument is a file or a folder of files, fed to LLVMFuzzerTestOneInput
// in name order. With --mutations=N each input is also fed in N mutated forms (bytes flipped,
// set, inserted or removed, a cut, a chunk repeated), drawn from a fixed seed so that a failure
// repeats; --seconds=S keeps mutating until S seconds have passed. A finding aborts as it would
// under libFuzzer; the input that caused it is written to ./replay-finding first.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes mutated(Bytes b, std::mt19937_64& rng) {
  const auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 6) {
      case 0: if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
      case 1: if (!b.empty()) b[pick(b.size())] = static_cast<std::uint8_t>(rng()); break;
      case 2: b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), static_cast<std::uint8_t>(rng())); break;
      case 3: if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size()))); break;
      case 4: b.resize(pick(b.size() + 1)); break;
      default:
        if (!b.empty()) {
          const std::size_t at = pick(b.size()), n = 1 + pick(std::min<std::size_t>(64, b.size() - at));
          const Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), chunk.begin(), chunk.end());
        }
    }
  }
  return b;
}

void feed(const Bytes& b) {
  {
    std::ofstream out("replay-finding", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
  LLVMFuzzerTestOneInput(b.data(), b.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> inputs;
  long mutations = 0;
  double seconds = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--mutations=", 0) == 0) {
      mutations = std::strtol(arg.c_str() + 12, nullptr, 10);
      continue;
    }
    if (arg.rfind("--seconds=", 0) == 0) {
      seconds = std::strtod(arg.c_str() + 10, nullptr);
      continue;
    }
    const std::filesystem::path p = arg;
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) inputs.push_back(e.path());
    } else if (std::filesystem::is_regular_file(p)) {
      inputs.push_back(p);
    } else {
      std::fprintf(stderr, "replay: %s: no such file or folder; expected corpus files, --mutations=N or --seconds=S\n",
                   argv[i]);
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::fprintf(stderr, "replay: no inputs; expected corpus files or folders\n");
    return 2;
  }
  std::vector<Bytes> corpus;
  for (const auto& p : inputs) {
    std::ifstream in(p, std::ios::binary);
    corpus.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  long runs = 0;
  for (const Bytes& b : corpus) feed(b), ++runs;
  std::mt19937_64 rng(1);
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  for (long m = 0; m < mutations || (seconds > 0 && elapsed() < seconds); ++m)
    for (const Bytes& b : corpus) feed(mutated(b, rng)), ++runs;
  std::remove("replay-finding");
  std::printf("replay: %ld inputs handled (%zu from the corpus, the rest mutated) in %.0f s\n", runs, corpus.size(),
              elapsed());
  return 0;
}
