#pragma once
// Rendering of `ptlab advise`: the text table and the JSON document.
#include <nlohmann/json.hpp>
#include <string>

#include "ptlab/advise/advise.hpp"
#include "ptlab/advise/deep_advise.hpp"
#include "ptlab/advise/validate.hpp"

namespace ptlab::report {

/// Per strategy: the gain measured at the probe's budget, the predicted gain at the full budget
/// with its 95% CI and the evidence; then the recommendation, its confidence and the probe cost.
std::string advice_text(const advise::AdviceResult& r, const std::string& title);

/// Predicted against true gain per strategy (`--validate`), the best strategy in hindsight and
/// the advice's regret.
std::string validation_text(const advise::AdviceResult& r, const advise::Validation& v);

/// The advice as JSON; with `validation`, each strategy also carries its true gain.
nlohmann::json advice_json(const advise::AdviceResult& r, const advise::Validation* validation = nullptr);

/// The deep counterparts (advise/deep_advise.hpp): the same table, the deep activation probe per
/// block, the cost in training images.
std::string deep_advice_text(const advise::DeepAdviceResult& r, const std::string& title);
std::string deep_validation_text(const advise::DeepAdviceResult& r, const advise::Validation& v);
nlohmann::json deep_advice_json(const advise::DeepAdviceResult& r, const advise::Validation* validation = nullptr);

}  // namespace ptlab::report
