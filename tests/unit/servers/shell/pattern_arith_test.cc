// tests/unit/servers/shell/pattern_arith_test.cc: the two pure helpers, pattern matching and
// arithmetic, on their own.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "servers/shell/arith.h"
#include "servers/shell/pattern.h"

using shell::pattern_match;

TEST_CASE("patterns: * ? [...] and escapes", "[shell][pattern]") {
  CHECK(pattern_match("*", ""));
  CHECK(pattern_match("a*c", "abbbc"));
  CHECK_FALSE(pattern_match("a*c", "abbbd"));
  CHECK(pattern_match("?b?", "abc"));
  CHECK(pattern_match("[a-c]x", "bx"));
  CHECK_FALSE(pattern_match("[!a-c]x", "bx"));
  CHECK(pattern_match("[^a-c]x", "dx"));
  CHECK(pattern_match("[]]", "]"));
  CHECK(pattern_match("\\*", "*"));
  CHECK_FALSE(pattern_match("\\*", "a"));
  CHECK(pattern_match("[a", "[a"));     // not a bracket: literal
  CHECK(pattern_match("*.tar.*", "x.tar.gz"));
  CHECK(pattern_match("*a*a*a*a*b", std::string(60, 'a') + "b"));
  CHECK_FALSE(pattern_match("*a*a*a*a*b", std::string(2000, 'a')));   // no exponential blow-up
}

namespace {
struct Vars final : shell::ArithVars {
  std::map<std::string, shell::Str> m;
  const shell::Str* get(std::string_view n) override {
    auto it = m.find(std::string(n));
    return it == m.end() ? nullptr : &it->second;
  }
  bool set(std::string_view n, std::string_view v) override { m[std::string(n)] = shell::Str(v); return true; }
};

int64_t eval(const char* e, Vars& v) {
  int64_t out = -999;
  shell::Str err;
  REQUIRE(shell::arith_eval(e, v, &out, &err));
  return out;
}
std::string error_of(const char* e) {
  Vars v;
  int64_t out;
  shell::Str err;
  REQUIRE_FALSE(shell::arith_eval(e, v, &out, &err));
  return std::string(err.view());
}
}  // namespace

TEST_CASE("arithmetic: precedence, variables, assignment", "[shell][arith]") {
  Vars v;
  v.set("x", "6");
  CHECK(eval("1 + 2 * 3 - 4 / 2", v) == 5);
  CHECK(eval("(1 + 2) * 3", v) == 9);
  CHECK(eval("-x + +2", v) == -4);
  CHECK(eval("x % 4 == 2 && x > 5", v) == 1);
  CHECK(eval("!x || ~0 == -1", v) == 1);
  CHECK(eval("x < 3 ? 100 : 200", v) == 200);
  CHECK(eval("y = x * 2", v) == 12);
  CHECK(v.m["y"] == "12");
  CHECK(eval("y += 1", v) == 13);
  CHECK(eval("unset_var + 1", v) == 1);
  CHECK(eval("0 && 1 / 0", v) == 0);   // the unevaluated side cannot fail
  CHECK(eval("9223372036854775807 + 1", v) == INT64_MIN);   // wraps, no UB
  CHECK(eval("(-9223372036854775807 - 1) / -1", v) == INT64_MIN);
}

TEST_CASE("arithmetic errors", "[shell][arith]") {
  CHECK(error_of("1/0") == "arithmetic expression: division by zero: \"1/0\"");
  CHECK(error_of("1+") == "arithmetic expression: expecting primary: \"1+\"");
  CHECK(error_of("1 2") == "arithmetic expression: expecting EOF: \"1 2\"");
  CHECK(error_of("(1") == "arithmetic expression: expecting ')': \"(1\"");
  CHECK(error_of(std::string(5000, '(').c_str()).find("nested too deeply") != std::string::npos);
  std::string minuses;
  for (int i = 0; i < 5000; ++i) minuses += "- ";
  CHECK(error_of(minuses.c_str()).find("nested too deeply") != std::string::npos);
  CHECK(error_of("09") == "Illegal number: 09");
}
