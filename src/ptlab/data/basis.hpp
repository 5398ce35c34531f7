#pragma once
// Where the random vectors of an experiment live (docs/design.md §2.6): the standard basis of R^d
// (direct sampling), or a reduced orthonormal basis in which every quantity the theory model
// computes has exactly the law it has in R^d, at a cost independent of d (reduced sampling).
//
// Every vector x ∈ R^d of a run is x_E + x_C, x_E in the frame E = span(e1, e2, e3) that holds the
// signals, x_C in the complement C (dimension D = d − 3), where each vector is s·g, g ~ N(0, I_D),
// independent across vectors. Everything computed depends on the C-parts only through inner
// products, and the joint law of (g_1, …, g_N) is invariant under rotations of C, so the g's may
// be replaced by their coordinates in the basis q_0, q_1, … that Gram–Schmidt builds from them in
// order — the Bartlett decomposition: g_a ↦ r_a with r_a[b] ~ N(0, 1) for b < a,
// r_a[a] = sqrt(χ²_{D−a}) and r_a[b] = 0 for b > a, all independent; ⟨r_a, r_b⟩ then has exactly
// the joint law of ⟨g_a, g_b⟩ (Bartlett 1933; e.g. Muirhead, "Aspects of Multivariate Statistical
// Theory", 1982, Thm 3.2.14). The "model" vectors (initial filters, training noise) are drawn this
// way; a test vector is only ever multiplied by filters, which lie in E ⊕ span(model vectors), so
// it needs only its N(0, 1) coordinates along the q's (its remainder is orthogonal to every filter).
// Exact in distribution, not in bits: the two samplers draw different experiments of the same law.
#include <cstdint>
#include <string>

#include "ptlab/core/rng.hpp"

namespace ptlab::data {

/// How a run draws its random vectors: the standard basis (every coordinate of R^d), the reduced
/// basis above, or automatic (reduced where it is valid and narrower than d).
enum class Sampling { direct, reduced, automatic };
std::string to_string(Sampling sampling);

/// The coordinates of one set of vectors (a data set's noise patches or a weight matrix's rows).
///   direct:  `width` = d coordinates, i.i.d. N(0, 1).
///   reduced: coordinates 0..2 along e1, e2, e3, i.i.d. N(0, 1); coordinate 3 + b along q_b.
///            Model vectors: vector i of the set is g_a with Bartlett index a = first + i.
///            Test vectors (first = −1): i.i.d. N(0, 1) along every kept q_b.
struct Basis {
  int width = 0;        ///< length of every vector: d (direct) or 3 + the q's kept (reduced)
  std::int64_t D = 0;   ///< reduced: d − 3, the dimension of C; 0 for direct
  int first = -1;       ///< reduced model vectors: Bartlett index of the set's vector 0; −1: test vectors

  static Basis direct(int d) { return Basis{d, 0, -1}; }
  /// Model vectors first, first + 1, … of an experiment in dimension d, `width` coordinates each.
  /// Needs first + count ≤ width − 3 ≤ d − 3 (checked when drawing).
  static Basis model(std::int64_t d, int width, int first) { return Basis{width, d - 3, first}; }
  /// Test vectors of an experiment in dimension d whose filters use `width` coordinates.
  static Basis test(std::int64_t d, int width) { return Basis{width, d - 3, -1}; }
  bool reduced() const { return D > 0; }
};

/// Writes vector `i` of the set, with standard-normal coordinates (multiply by σ for N(0, σ² I)),
/// into out[0 .. basis.width). Direct: `width` calls of rng.normal(), in order. Reduced: three
/// normals for E, then the q-coordinates as above (one chi_squared draw for a model vector).
/// A model vector whose index does not fit (a ≥ width − 3 or a ≥ D) is a programming error.
void draw_standard(const Basis& basis, int i, core::Rng& rng, double* out);

}  // namespace ptlab::data
