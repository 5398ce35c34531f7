#pragma once
// Rendering of `ptlab score`.
#include <string>
#include <vector>

#include "ptlab/advise/feature_scores.hpp"

namespace ptlab::report {

/// Per score: its mean over seeds for upstream, fresh and norm-matched features, and the
/// differences upstream − fresh and upstream − norm-matched with their 95% CIs.
/// Which features were scored (for the wording).
enum class ScoredFeatures { theory, deep };
std::string scores_text(const std::vector<advise::ScoreSummary>& scores, int seeds, const std::string& title,
                        ScoredFeatures features = ScoredFeatures::theory);

}  // namespace ptlab::report
