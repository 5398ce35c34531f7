#include "ptlab/transfer/deep/pickle_dicts.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

namespace ptlab::transfer::deep {

namespace {

// What the rewrite needs to know of a stack entry: where the opcodes that built it begin, and
// whether it is the OrderedDict class, an OrderedDict made by the rewrite, or an empty tuple.
enum class Kind { other, empty_tuple, ordered_dict_class, ordered_dict };

struct Entry {
  std::size_t start;
  Kind kind;
};

// Replace pickle[offset, offset + length) by `bytes` (length 0: insert).
struct Edit {
  std::size_t offset;
  std::size_t length;
  std::string bytes;
};

constexpr std::string_view kOrderedDict = "collections\nOrderedDict\n";
constexpr std::string_view kRestoreTypeTag = "torch.jit._pickle\nrestore_type_tag\n";
constexpr std::string_view kDictType = "Dict[str, Tensor]";

std::string le32(std::uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// (EMPTY_DICT, "Dict[str, Tensor]") as restore_type_tag's argument tuple.
std::string dict_argument() {
  return std::string("}") + "X" + le32(static_cast<std::uint32_t>(kDictType.size())) + std::string(kDictType) + "\x86";
}

class Scanner {
 public:
  explicit Scanner(std::string_view p) : p_(p) {}

  // False where the stream cannot be followed.
  bool scan() {
    while (pos_ < p_.size()) {
      const std::size_t at = pos_;
      const auto op = static_cast<unsigned char>(p_[pos_++]);
      if (!step(op, at)) return false;
      if (op == '.') return true;
    }
    return false;  // no STOP
  }

  std::optional<std::string> rewritten() const {
    if (edits_.empty() && drops_.empty()) return std::nullopt;
    std::vector<Edit> edits;
    for (const Edit& e : edits_)
      if (!dropped(e.offset)) edits.push_back(e);
    for (const auto& [from, to] : drops_) edits.push_back({from, to - from, ""});
    // By offset; at one offset an insertion (length 0) goes before a replacement.
    std::sort(edits.begin(), edits.end(),
              [](const Edit& a, const Edit& b) { return std::pair(a.offset, a.length) < std::pair(b.offset, b.length); });
    std::string out;
    std::size_t copied = 0;
    for (const Edit& e : edits) {
      if (e.offset < copied) return std::nullopt;  // overlapping edits: not a stream this rewrite knows
      out.append(p_.substr(copied, e.offset - copied));
      out += e.bytes;
      copied = e.offset + e.length;
    }
    out.append(p_.substr(copied));
    return out;
  }

 private:
  bool need(std::size_t n) const { return p_.size() - pos_ >= n; }

  std::uint32_t read_le(std::size_t n) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }

  bool skip(std::size_t n) {
    if (!need(n)) return false;
    pos_ += n;
    return true;
  }

  bool pop(Entry& e) {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back().depth)) return false;
    e = stack_.back();
    stack_.pop_back();
    return true;
  }

  // Pops to the last MARK; the entries above it come back as one that starts at the MARK.
  bool pop_mark(std::size_t& mark_offset) {
    if (marks_.empty()) return false;
    stack_.resize(marks_.back().depth);
    mark_offset = marks_.back().offset;
    marks_.pop_back();
    return true;
  }

  bool dropped(std::size_t offset) const {
    return std::any_of(drops_.begin(), drops_.end(), [&](const auto& d) { return offset >= d.first && offset < d.second; });
  }

  bool put(std::uint32_t id, std::size_t at) {
    if (stack_.empty()) return false;
    memo_[id] = stack_.back().kind;
    puts_.push_back({at, id});
    return true;
  }

  bool get(std::uint32_t id, std::size_t at) {
    if (gone_.count(id) || !memo_.count(id)) return false;
    stack_.push_back({at, memo_.at(id)});
    return true;
  }

  bool step(unsigned char op, std::size_t at) {
    Entry a{}, b{};
    std::size_t mark = 0;
    switch (op) {
      case 0x80:  // PROTO
        return skip(1);
      case '.':  // STOP
        return stack_.size() == 1 && marks_.empty();
      case '(':  // MARK
        marks_.push_back({stack_.size(), at});
        return true;
      case ')':  // EMPTY_TUPLE
        stack_.push_back({at, Kind::empty_tuple});
        return true;
      case ']': case '}': case 'N': case 0x88: case 0x89:  // EMPTY_LIST, EMPTY_DICT, NONE, NEWTRUE, NEWFALSE
        stack_.push_back({at, Kind::other});
        return true;
      case 'K': case 'M': case 'J': case 'G': {  // BININT1, BININT2, BININT, BINFLOAT
        const std::size_t n = op == 'K' ? 1 : op == 'M' ? 2 : op == 'J' ? 4 : 8;
        stack_.push_back({at, Kind::other});
        return skip(n);
      }
      case 0x8a: case 'U': case 'C': {  // LONG1, SHORT_BINSTRING, SHORT_BINBYTES: one length byte
        if (!need(1)) return false;
        const std::size_t n = read_le(1);
        stack_.push_back({at, Kind::other});
        return skip(n);
      }
      case 'X': case 'T': case 'B': {  // BINUNICODE, BINSTRING, BINBYTES: four length bytes
        if (!need(4)) return false;
        const std::size_t n = read_le(4);
        stack_.push_back({at, Kind::other});
        return skip(n);
      }
      case 'c': {  // GLOBAL module\nname\n
        const std::size_t first = p_.find('\n', pos_);
        if (first == std::string_view::npos) return false;
        const std::size_t second = p_.find('\n', first + 1);
        if (second == std::string_view::npos) return false;
        const bool ordered = p_.substr(pos_, second + 1 - pos_) == kOrderedDict;
        pos_ = second + 1;
        if (ordered) edits_.push_back({at + 1, kOrderedDict.size(), std::string(kRestoreTypeTag)});
        stack_.push_back({at, ordered ? Kind::ordered_dict_class : Kind::other});
        return true;
      }
      case 'q':  // BINPUT
        return need(1) && put(read_le(1), at);
      case 'r':  // LONG_BINPUT
        return need(4) && put(read_le(4), at);
      case 'h':  // BINGET
        return need(1) && get(read_le(1), at);
      case 'j':  // LONG_BINGET
        return need(4) && get(read_le(4), at);
      case 't': case 'l': case 'd':  // TUPLE, LIST, DICT: the entries since MARK
        if (!pop_mark(mark)) return false;
        stack_.push_back({mark, Kind::other});
        return true;
      case 0x85: case 0x86: case 0x87: {  // TUPLE1, TUPLE2, TUPLE3
        const int n = op - 0x84;
        for (int i = 0; i < n; ++i)
          if (!pop(a)) return false;
        stack_.push_back({a.start, Kind::other});
        return true;
      }
      case 'e': case 'u':  // APPENDS, SETITEMS: into the container below the MARK
        return pop_mark(mark) && !stack_.empty();
      case 'a':  // APPEND: value → MARK value APPENDS
        if (!pop(a) || stack_.empty()) return false;
        edits_.push_back({a.start, 0, "("});
        edits_.push_back({at, 1, "e"});
        return true;
      case 's':  // SETITEM: key value → MARK key value SETITEMS
        if (!pop(b) || !pop(a) || stack_.empty()) return false;
        edits_.push_back({a.start, 0, "("});
        edits_.push_back({at, 1, "u"});
        return true;
      case 'Q':  // BINPERSID
        return pop(a) && (stack_.push_back({a.start, Kind::other}), true);
      case 'R': case 0x81:  // REDUCE, NEWOBJ: callable args → result
        if (!pop(b) || !pop(a)) return false;
        if (a.kind == Kind::ordered_dict_class) {
          if (b.kind != Kind::empty_tuple || op != 'R') return false;  // OrderedDict(pairs): not torch.save's
          edits_.push_back({b.start, 1, dict_argument()});
          stack_.push_back({a.start, Kind::ordered_dict});
          return true;
        }
        stack_.push_back({a.start, Kind::other});
        return true;
      case 'b':  // BUILD: object state → object
        if (!pop(b) || !pop(a)) return false;
        if (a.kind == Kind::ordered_dict) {
          drops_.push_back({b.start, at + 1});
          for (const auto& [offset, id] : puts_)
            if (offset >= b.start && offset < at) gone_.insert(id);
        }
        stack_.push_back(a);
        return true;
      default:
        return false;
    }
  }

  struct Mark {
    std::size_t depth;
    std::size_t offset;
  };

  std::string_view p_;
  std::size_t pos_ = 0;
  std::vector<Entry> stack_;
  std::vector<Mark> marks_;
  std::map<std::uint32_t, Kind> memo_;
  std::vector<std::pair<std::size_t, std::uint32_t>> puts_;  // (offset of the BINPUT, memo id)
  std::set<std::uint32_t> gone_;                             // memo ids set inside dropped states
  std::vector<Edit> edits_;
  std::vector<std::pair<std::size_t, std::size_t>> drops_;   // [from, to) removed
};

}  // namespace

std::optional<std::string> readable_by_libtorch(std::string_view pickle) {
  Scanner scanner(pickle);
  if (!scanner.scan()) return std::nullopt;
  return scanner.rewritten();
}

}  // namespace ptlab::transfer::deep
