#pragma once
// Making torch.save's pickles readable by LibTorch 1.13's unpickler. Pure functions on bytes, free
// of LibTorch.
//
// `torch.save(model.state_dict(), path)` pickles a collections.OrderedDict (pickle protocol 2):
//
//   GLOBAL 'collections OrderedDict'  BINPUT 0  EMPTY_TUPLE  REDUCE     the empty OrderedDict
//   MARK  key value  key value …  SETITEMS                              its entries
//   EMPTY_DICT … ('_metadata' → per-module versions) …  BUILD           its __dict__, set last
//
// LibTorch 1.13 reads every OrderedDict as None (it expects one only as a tensor's empty
// backward-hooks argument), so the SETITEMS that follows fails, and it cannot apply a BUILD to a
// dictionary. The rewrite below turns each `OrderedDict()` into an empty dictionary by calling a
// global LibTorch does read, `torch.jit._pickle.restore_type_tag((EMPTY_DICT, "Dict[str, Tensor]"))`,
// which returns its first argument; drops each BUILD on such a dictionary together with its state
// (the `_metadata` versions, which name → tensor readers never use); and turns a single SETITEM
// or APPEND (what Python writes for a one-entry dictionary or list, e.g. an optimizer's
// param_groups in a training checkpoint), which LibTorch 1.13 does not know, into MARK … SETITEMS
// or MARK … APPENDS. Everything else is copied byte for byte. Source of the opcode set: Python's Lib/pickletools.py; of LibTorch's behaviour:
// torch/csrc/jit/serialization/unpickler.cpp (1.13).
#include <optional>
#include <string>
#include <string_view>

namespace ptlab::transfer::deep {

/// The pickle `pickle` (bytes of a data.pkl record, protocol 2) rewritten as described above, or
/// std::nullopt when nothing needs rewriting or the stream cannot be followed (an opcode outside
/// protocol 2, a truncated argument, a stack underflow, an OrderedDict built from arguments, or a
/// later reference to something the rewrite dropped); callers then hand the original bytes to
/// LibTorch, whose error names the problem. Never reads outside `pickle`.
std::optional<std::string> readable_by_libtorch(std::string_view pickle);

}  // namespace ptlab::transfer::deep
