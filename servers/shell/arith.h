// servers/shell/arith.h: $((...)) after parameter expansion: 64-bit signed integers, C operator
// precedence (unary + - ! ~, * / %, + -, << >>, comparisons, == !=, & ^ |, && ||, ?:, = and op=),
// names read as variables (unset or empty is 0). Recursion is bounded; errors are dash's messages.
#pragma once

#include <stdint.h>

#include <string_view>

#include "servers/shell/buf.h"

namespace shell {

// Variable access for names inside the expression.
class ArithVars {
 public:
  virtual const Str* get(std::string_view name) { (void)name; return nullptr; }
  virtual bool set(std::string_view name, std::string_view value) { (void)name; (void)value; return false; }

 protected:
  ~ArithVars() = default;
};

// Evaluates `expr`. On failure returns false with `error` like
// `arithmetic expression: division by zero: "1/0"` or `Illegal number: abc`.
bool arith_eval(std::string_view expr, ArithVars& vars, int64_t* out, Str* error);

// Parses a decimal (optionally signed) integer, the whole string; false if it is not one.
bool parse_number(std::string_view s, int64_t* out);

// Appends the decimal form of v.
void append_number(Str& s, int64_t v);

}  // namespace shell
