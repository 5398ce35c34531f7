#pragma once
// A sweep spread over MPI ranks (`mpirun -n K ptlab sweep CONFIG`): rank 0 owns the study store
// and hands out one job at a time to whichever rank asks next (dynamic hand-out, so slow runs do
// not stall a rank); ranks 1..K−1 run jobs and send back the rows to store. Every rank reads the
// same config, so only job numbers and finished rows travel. Records are identical to a
// one-process sweep (each run is a pure function of its config and seed).
#include <string>

#include "ptlab/store/study_run.hpp"

namespace ptlab::store {

/// True when this process was started by an MPI launcher with more than one rank (read from the
/// launcher's environment, before MPI is initialised).
bool launched_under_mpi();

/// Whether this build has MPI support (CMake found MPI).
bool mpi_available();

/// Runs the sweep over all MPI ranks. On rank 0 returns the study result and sets `is_root`;
/// on other ranks returns an empty result. Initialises and finalises MPI. Throws core::InputError
/// (on every rank) for the same bad input as run_study, and when this build has no MPI.
StudyResult run_study_mpi(const experiment::SweepSpec& sweep, const std::string& path, const StudyRunOptions& options,
                          bool& is_root);

}  // namespace ptlab::store
