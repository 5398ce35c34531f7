#pragma once
// What a study row must look like before any reader uses it (docs/reliability.md): a damaged or
// foreign row (malformed JSON, a flipped byte, an array where an object belongs, a number where a
// point belongs) is one line naming the study, the table, the run and what is wrong, never an
// internal error or output computed from garbage.
#include <string>

#include "ptlab/store/study.hpp"

namespace ptlab::store {

/// Checks `row` of the runs table of the study at `path`: status one of done, diverged, failed;
/// point a JSON object of scalars (or arrays of scalars); provenance a JSON object; record a JSON
/// object whose fields have the JSON types of a theory record (store/record_json.hpp; a missing
/// field reads as NaN) or, when its "kind" is "deep", every field of a deep record (a number may
/// be null: a NaN); a failed run's record may be the empty object. Throws core::InputError "PATH: runs row (run HASH, seed S): WHAT".
void check_row(const RunRow& row, const std::string& path);

}  // namespace ptlab::store
