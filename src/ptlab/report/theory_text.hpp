#pragma once
// Text renderings of the theory half's predictions (`ptlab theory`) and of the claim suite
// (`ptlab verify`): terminal tables and Markdown for docs.
#include <string>

#include "ptlab/experiment/spec.hpp"
#include "ptlab/verify/claims.hpp"

namespace ptlab::report {

/// Per task: SNR_k, n_k‖μ_k‖⁴/(σ_{p,k}⁴ d) and the Kou et al. 2023 verdict for training from
/// scratch; then every candidate indicator's value and what its hypothesis predicts.
std::string theory_text(const experiment::ExperimentSpec& spec, const std::string& title);

/// The claim table (claim | experiment | statistic | 95% CI | supported) and the indicator scores.
/// `markdown` renders pipe tables for docs.
std::string verify_text(const verify::VerifyResult& result, bool markdown);

}  // namespace ptlab::report
