// The deep half's entry points in the `ptlab` executable: each loads the module (deep_api.hpp) on
// first use and forwards to it. Built in place of the deep half into every binary that should not
// pay LibTorch's start-up; without LibTorch (PTLAB_DEEP=OFF) there is no module, and each entry
// point says so.
#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "ptlab/core/error.hpp"
#include "ptlab/plugin/deep_api.hpp"

namespace ptlab {
namespace plugin {
namespace {

namespace fs = std::filesystem;

#ifdef PTLAB_DEEP_MODULE
constexpr bool kModuleBuilt = true;
#else
constexpr bool kModuleBuilt = false;
#endif

constexpr const char* kModuleName = "ptlab_deep.so";

[[noreturn]] void not_built(const std::string& command) {
  throw core::InputError(command + ": deep configs need the deep half, and this ptlab was built without LibTorch; "
                                   "expected Debian's libtorch-dev (scripts/install-deps.sh) and a rebuild");
}

// Where the module is: $PTLAB_DEEP_MODULE, else next to the executable, else in ../lib/ptlab/
// relative to it (an installed tree), else where this build put it (for test binaries).
std::vector<fs::path> candidates() {
  if (const char* env = std::getenv("PTLAB_DEEP_MODULE"); env != nullptr && *env != '\0') return {fs::path(env)};
  std::vector<fs::path> out;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(exe.parent_path() / kModuleName);
    out.push_back(exe.parent_path().parent_path() / "lib" / "ptlab" / kModuleName);
  }
#ifdef PTLAB_DEEP_MODULE
  out.emplace_back(PTLAB_DEEP_MODULE);
#endif
  return out;
}

const DeepApi& load(const std::string& command) {
  if (!kModuleBuilt) not_built(command);
  const std::vector<fs::path> paths = candidates();
  std::string tried;
  for (const fs::path& path : paths) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path.string();
      continue;
    }
    // RTLD_LOCAL: the module's copies of ptlab's libraries stay its own. Never closed: LibTorch
    // does not support being unloaded.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      throw core::IoError(command + ": cannot load the deep half " + path.string() + ": " +
                          (why != nullptr ? why : "unknown error"));
    }
    using Entry = const DeepApi* (*)();
    const auto entry = reinterpret_cast<Entry>(::dlsym(handle, kDeepApiSymbol));
    const DeepApi* api = entry != nullptr ? entry() : nullptr;
    if (api == nullptr || api->version != kDeepApiVersion || api->build != build_stamp())
      throw core::IoError(command + ": " + path.string() + " is a deep half from another build of ptlab; expected the " +
                          "one built with this executable (scripts/build.sh)");
    return *api;
  }
  throw core::IoError(command + ": the deep half (" + std::string(kModuleName) + ") is missing; looked for " + tried +
                      "; expected it next to the ptlab executable (scripts/build.sh builds both)");
}

// Loaded once per process; a failed load throws and is retried by the next call.
const DeepApi& api(const std::string& command) {
  static const DeepApi& loaded = load(command);
  return loaded;
}

}  // namespace
}  // namespace plugin

namespace experiment {

bool deep_available() { return plugin::kModuleBuilt; }

void check_deep(const DeepSpec& spec) { plugin::api("ptlab deep").check_deep(spec); }

DeepResult run_deep(const DeepSpec& spec, const DeepRunOptions& options) {
  return plugin::api("ptlab deep").run_deep(spec, options);
}

std::vector<DeepBaseline> deep_baselines(const DeepSpec& spec) {
  return plugin::api("ptlab deep").deep_baselines(spec);
}

std::vector<std::vector<DeepRecord>> run_deep_candidates(const DeepSpec& base, const std::vector<DeepSpec>& candidates,
                                                         const DeepRunOptions& options, DeepResult* meta) {
  return plugin::api("ptlab deep").run_deep_candidates(base, candidates, options, meta);
}

}  // namespace experiment

namespace advise {

std::vector<experiment::DeepSpec> deep_candidates(const experiment::DeepSpec& spec, const DeepAdviseOptions& options,
                                                  int blocks_below_head, std::vector<Strategy>* strategies) {
  return plugin::api("advise").deep_candidates(spec, options, blocks_below_head, strategies);
}

void check_deep_advise(const experiment::DeepSpec& spec, const DeepAdviseOptions& options) {
  plugin::api("advise").check_deep_advise(spec, options);
}

DeepAdviceResult advise_deep(const experiment::DeepSpec& spec, const DeepAdviseOptions& options,
                             const std::function<void(int, int)>& progress) {
  return plugin::api("advise").advise_deep(spec, options, progress);
}

std::vector<ScoreSummary> deep_feature_scores(const experiment::DeepSpec& spec, int seeds, const std::string& checkpoints) {
  return plugin::api("score").deep_feature_scores(spec, seeds, checkpoints);
}

}  // namespace advise
}  // namespace ptlab
