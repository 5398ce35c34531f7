#pragma once
// Transferability scores: how well a pre-trained model's features (or predictions) on a target
// task predict the target labels, without fine-tuning (docs/scores.md). Each score is a free
// function; this header includes them all.
//
// Data layout (stated once for the concern, docs/style.md §4):
//  - features F: N × D Eigen::MatrixXd, one row per target sample, one column per feature;
//  - source-class probabilities theta (LEEP): N × Z, one row per sample;
//  - labels: N integers ≥ 0 (std::span<const int>, e.g. a std::vector<int>), one per row. A
//    label value names a class; values that never occur are no class, so labels {0, 2} score as
//    {0, 1}. NCE takes its two label vectors as SourceLabels and TargetLabels.
//
// Input checks every score makes, each a core::InputError whose what() is one line naming the
// score, the argument and what was expected: empty input; NaN or Inf in F (or theta); a number
// of labels different from the number of rows; a negative label; fewer than two target classes
// present ("labels with one class"). Score-specific checks are listed in each docstring.
#include "ptlab/score/covariance.hpp"
#include "ptlab/score/h_score.hpp"
#include "ptlab/score/knn.hpp"
#include "ptlab/score/leep.hpp"
#include "ptlab/score/logme.hpp"
#include "ptlab/score/nce.hpp"
#include "ptlab/score/sfda.hpp"
