// Training throughput of the deep models (images/s), for the comparison with the same models in
// PyTorch-Python (bench/peers/deep_torch.py, bench/compare_deep.py).
//   ptlab_deep_bench ARCH [--batches 20] [--batch-size 128] [--threads 0] [--channels 1] [--size 28]
// Prints one JSON line. Random inputs and labels; SGD with momentum, as `ptlab deep` trains.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "ptlab/model/deep/models.hpp"
#include "ptlab/train/deep/trainer.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ptlab_deep_bench ARCH [--batches N] [--batch-size B] [--threads T] [--channels C] [--size S]\n");
    return 2;
  }
  std::string arch = argv[1];
  int batches = 20, batch = 128, threads = 0, channels = 1, size = 28;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (k == "--batches") batches = v;
    else if (k == "--batch-size") batch = v;
    else if (k == "--threads") threads = v;
    else if (k == "--channels") channels = v;
    else if (k == "--size") size = v;
    else {
      std::fprintf(stderr, "ptlab_deep_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  threads = ptlab::train::deep::set_threads(threads);  // as `ptlab deep` does
  torch::manual_seed(0);
  auto model = ptlab::model::deep::make_model({arch, channels, 10, size});
  torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9).weight_decay(5e-4));
  const auto x = torch::randn({batch, channels, size, size});
  const auto y = torch::randint(0, 10, {batch}, torch::kLong);
  model->train();
  const auto step = [&] {
    opt.zero_grad();
    const auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    opt.step();
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < batches; ++i) step();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"impl\": \"ptlab (LibTorch)\", \"arch\": \"%s\", \"threads\": %d, \"batch_size\": %d, \"images_per_s\": %.1f}\n",
              arch.c_str(), threads, batch, batches * batch / s);
  return 0;
}
