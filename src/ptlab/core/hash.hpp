#pragma once
// FNV-1a, the 64-bit Fowler–Noll–Vo hash (FNV-1a variant: xor, then multiply), used to name runs
// (config and run hashes) and to derive random streams from names. Not cryptographic: an id only.
#include <cstdint>
#include <string_view>

namespace ptlab::core {

/// The standard 64-bit FNV offset basis and prime (http://www.isthe.com/chongo/tech/comp/fnv/).
inline constexpr std::uint64_t kFnv1aOffsetBasis = 14695981039346656037ULL;
inline constexpr std::uint64_t kFnv1aPrime = 1099511628211ULL;

/// The basis of the deep half's run hashes and channel streams: 1469598103934665603, one digit
/// short of the standard offset basis above. Every stored deep run is keyed by a hash made with
/// it, and every deep channel choice is drawn from a stream seeded with it, so it stays under its
/// own name (the hash is as good an id either way). Pinned by tests/core/hash_test.cpp.
inline constexpr std::uint64_t kDeepHashBasis = 1469598103934665603ULL;

/// FNV-1a of the bytes of `s`, starting from `basis`.
constexpr std::uint64_t fnv1a(std::string_view s, std::uint64_t basis = kFnv1aOffsetBasis) {
  std::uint64_t h = basis;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * kFnv1aPrime;
  return h;
}

}  // namespace ptlab::core
