#pragma once
// Handwritten digits that Debian ships, for cross-dataset transfer without a download: OpenCV's
// sample sheet (opencv-doc: 5000 digits of 20 × 20, 500 per class) and scikit-learn's copy of the
// UCI optical digits (python3-sklearn: 1797 digits of 8 × 8, grey levels 0–16). Neither has an
// official train/test split; the fixed, stratified splits below are ptlab's.
#include <string>

#include "ptlab/data/dataset_dir.hpp"

namespace ptlab::data {

/// Where Debian's opencv-doc puts the digit sheet.
inline constexpr const char* kOpenCvDigitsDir = "/usr/share/doc/opencv-doc/examples/data";
/// Where Debian's python3-sklearn puts the 8 × 8 digits.
inline constexpr const char* kSklearnDigitsDir = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

/// OpenCV's digits.png: a 2000 × 1000 grey sheet of 50 rows × 100 columns of 20 × 20 digits; rows
/// 5c … 5c + 4 hold digit c (as OpenCV's samples/python/digits.py reads it). Split: of each class's
/// 500 digits in reading order, the first 400 train, the last 100 test (4000 / 1000). `dir` "" =
/// kOpenCvDigitsDir. Throws core::InputError naming the file (and the package that provides it)
/// when missing, undecodable, or not a 2000 × 1000 sheet.
TrainTest load_opencv_digits(const std::string& dir = "");

/// scikit-learn's digits.csv.gz: one digit per line, 64 grey levels in [0, 16] (8 × 8, row-major)
/// then the label in [0, 9]. Grey levels are scaled to [0, 255] as round(v · 255 / 16). Split: of
/// each class's digits in file order, every fourth (index 3, 7, …) tests, the others train
/// (1352 / 445 for the shipped file: a class of c digits tests ⌊c/4⌋). `dir` "" = kSklearnDigitsDir. Throws core::InputError naming
/// the file and line for a missing file, a line without 65 integers or a value out of range.
TrainTest load_sklearn_digits(const std::string& dir = "");

}  // namespace ptlab::data
