// servers/shell/ast.h: the parse tree. Nodes and word texts live in an Arena owned by the parse
// that made them; the arena is reference-counted because a function definition keeps its body
// alive after the rest of the command that defined it is gone.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string_view>

namespace shell {

// Bump allocator over malloc'd chunks, bounded by kMaxBytes (a runaway input fails with
// "out of memory" instead of eating the heap). Freed all at once when the last reference goes.
class Arena {
 public:
  static constexpr size_t kMaxBytes = 32u << 20;
  static Arena* create();
  void retain() { ++refs_; }
  void release();
  void* alloc(size_t n);                       // zeroed; nullptr when over budget or out of memory
  template <class T> T* make() { return static_cast<T*>(alloc(sizeof(T))); }
  const char* copy(std::string_view s);       // NUL-terminated copy
  size_t bytes() const { return total_; }

 private:
  struct Chunk { Chunk* next; size_t size; size_t used; };
  Chunk* head_ = nullptr;
  size_t total_ = 0;
  int refs_ = 1;
};

// A word exactly as written (quotes, $, backquotes included); the expander interprets it.
struct Word {
  const char* text;
  uint32_t len;
  std::string_view view() const { return {text, len}; }
};

struct WordList {
  Word* items;
  uint32_t count;
};

enum class RedirOp : uint8_t {
  In,        // <
  Out,       // >  (and >|)
  Append,    // >>
  DupIn,     // <&
  DupOut,    // >&
  ReadWrite, // <>
  HereDoc,   // << or <<-: target is the body, expanded like "..." (but " is literal)
  HereDocRaw,// the same with a quoted delimiter: the body as it is
};

struct Redir {
  Redir* next;
  int fd;
  RedirOp op;
  Word target;
};

enum class NodeKind : uint8_t {
  Simple,    // words, assigns, redirs
  Pipeline,  // body: first command, chained by next; bang
  AndOr,     // body: first pipeline, chained by next; each item's op says how it joins the one before
  List,      // body: first item, chained by next; each item's async says '&'
  Group,     // { body; }
  Subshell,  // ( body )
  If,        // cond, body (then), else_part (an If for elif, or any list)
  While,     // cond, body; until for Until
  Until,
  For,       // name, words (has_in), body
  Case,      // word, items
  FuncDef,   // name, body
};

enum class JoinOp : uint8_t { None, And, Or };

struct CaseItem {
  CaseItem* next;
  WordList patterns;
  struct Node* body;   // may be null (empty item)
};

struct Node {
  NodeKind kind;
  JoinOp op;          // in an AndOr chain: how this item joins the previous one
  bool async;         // in a List: followed by '&'
  bool bang;          // Pipeline: '!'
  bool has_in;        // For: an explicit `in` list
  int line;
  Node* next;         // sibling in a Pipeline/AndOr/List chain
  Node* body;
  Node* cond;
  Node* else_part;
  WordList words;     // Simple: arguments; For: the list
  WordList assigns;   // Simple: leading NAME=value words
  Redir* redirs;      // Simple and compound commands
  Word name;          // For variable, function name; Case: the word
  CaseItem* items;
};

}  // namespace shell
