// tests/unit/servers/utils/regex_test.cc: grep's matcher (servers/utils/regex.h), one TEST_CASE per
// rule of POSIX basic regular expressions it implements, then hostile patterns.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <string>

#include "regex.h"

using utils::Regex;
using utils::RegexError;

namespace {

RegexError compile(Regex& re, const std::string& pattern, unsigned flags = Regex::kNone) {
  return re.compile(pattern.data(), pattern.size(), flags);
}

// Whether `pattern` finds a match in `text`; the pattern must compile.
bool matches(const std::string& pattern, const std::string& text, unsigned flags = Regex::kNone) {
  Regex re;
  REQUIRE(compile(re, pattern, flags) == RegexError::Ok);
  return re.search(text.data(), text.size());
}

RegexError error_of(const std::string& pattern) {
  Regex re;
  return compile(re, pattern);
}

}  // namespace

TEST_CASE("ordinary characters match themselves anywhere in the line", "[regex]") {
  CHECK(matches("abc", "xxabcxx"));
  CHECK(matches("abc", "abc"));
  CHECK_FALSE(matches("abc", "ab"));
  CHECK_FALSE(matches("abc", "acb"));
  CHECK(matches("", "anything"));
  CHECK(matches("", ""));
}

TEST_CASE("a dot matches any one character", "[regex]") {
  CHECK(matches("a.c", "abc"));
  CHECK(matches("a.c", "a-c"));
  CHECK_FALSE(matches("a.c", "ac"));
}

TEST_CASE("a star repeats the atom before it zero or more times", "[regex]") {
  CHECK(matches("ab*c", "ac"));
  CHECK(matches("ab*c", "abbbbc"));
  CHECK_FALSE(matches("ab*c", "abxc"));
  CHECK(matches("a.*z", "a and then z"));
  CHECK(matches("x[0-9]*y", "x123y"));
  SECTION("a star at the start is an ordinary character") {
    CHECK(matches("*a", "x*a"));
    CHECK_FALSE(matches("*a", "xa"));
    CHECK(matches("^*a", "*a"));
  }
}

TEST_CASE("GNU's \\+ and \\? repeat one or more, zero or one time", "[regex]") {
  CHECK(matches("ab\\+c", "abbc"));
  CHECK_FALSE(matches("ab\\+c", "ac"));
  CHECK(matches("ab\\?c", "ac"));
  CHECK(matches("ab\\?c", "abc"));
  CHECK_FALSE(matches("ab\\?c", "abbc"));
}

TEST_CASE("a repeat of a repeat means what the groups would: (x+)? is x*", "[regex]") {
  CHECK(matches("^a\\+\\?$", ""));
  CHECK(matches("^a\\+\\?$", "aaa"));
  CHECK(matches("^xa\\?\\+y$", "xy"));
  CHECK(matches("^xa\\+\\+y$", "xaay"));
  CHECK_FALSE(matches("^xa\\+\\+y$", "xy"));
  CHECK(matches("^xa\\?\\?y$", "xy"));
  CHECK_FALSE(matches("^xa\\?\\?y$", "xaay"));
  CHECK(matches("^xa**y$", "xaaay"));
  CHECK(matches("^x[ab]\\+*y$", "xy"));
  SECTION("at the start of the pattern they are ordinary characters") {
    CHECK(matches("\\+a", "+a"));
    CHECK(matches("^\\?", "?"));
    CHECK_FALSE(matches("^\\?", "x"));
  }
}

TEST_CASE("^ and $ anchor at the ends of the pattern only", "[regex]") {
  CHECK(matches("^abc", "abcd"));
  CHECK_FALSE(matches("^abc", "xabc"));
  CHECK(matches("abc$", "xabc"));
  CHECK_FALSE(matches("abc$", "abcx"));
  CHECK(matches("^abc$", "abc"));
  CHECK_FALSE(matches("^abc$", "abcabc"));
  CHECK(matches("^$", ""));
  CHECK_FALSE(matches("^$", "x"));
  CHECK(matches("$", "x"));
  CHECK(matches("^", "x"));
  SECTION("elsewhere they are ordinary characters") {
    CHECK(matches("a^b", "a^b"));
    CHECK(matches("a$b", "a$b"));
  }
  SECTION("an escaped final $ is a dollar; an escaped backslash before it is not an escape") {
    CHECK(matches("a\\$", "a$"));
    CHECK_FALSE(matches("a\\$", "a"));
    CHECK(matches("a\\\\$", "xa\\"));
    CHECK_FALSE(matches("a\\\\$", "a\\x"));
  }
}

TEST_CASE("bracket expressions: sets, ranges, negation, classes", "[regex]") {
  CHECK(matches("[abc]", "xbx"));
  CHECK_FALSE(matches("[abc]", "xyz"));
  CHECK(matches("[a-c]x", "bx"));
  CHECK(matches("[^a-c]", "abcd"));
  CHECK_FALSE(matches("^[^a-c]*$", "abcab"));
  CHECK(matches("[]]", "]"));
  CHECK(matches("[^]]", "a"));
  CHECK_FALSE(matches("[^]]", "]"));
  CHECK(matches("[a-]", "-"));
  CHECK(matches("[[:digit:]][[:alpha:]]", "1a"));
  CHECK_FALSE(matches("[[:digit:]][[:alpha:]]", "a1"));
  CHECK(matches("[[:space:]]", "a b"));
  CHECK(matches("[.]", "."));
  CHECK_FALSE(matches("[.]", "a"));
  CHECK(matches("[*]", "*"));
}

TEST_CASE("a backslash makes the next character ordinary", "[regex]") {
  CHECK(matches("a\\.c", "a.c"));
  CHECK_FALSE(matches("a\\.c", "abc"));
  CHECK(matches("\\*", "*"));
  CHECK(matches("\\[", "["));
  CHECK(matches("\\\\", "\\"));
  CHECK(matches("\\^a", "^a"));
  CHECK(matches("\\w\\+", "foo_1"));
  CHECK_FALSE(matches("^\\w*$", "a b"));
}

TEST_CASE("GNU's \\| at the top level: any branch may match, each with its own anchors", "[regex]") {
  CHECK(matches("cat\\|dog", "hotdog"));
  CHECK(matches("cat\\|dog", "cats"));
  CHECK_FALSE(matches("cat\\|dog", "cow"));
  CHECK(matches("^a\\|b$", "ax"));
  CHECK(matches("^a\\|b$", "xb"));
  CHECK_FALSE(matches("^a\\|b$", "xa"));
  CHECK(matches("x\\|", "anything"));        // an empty branch matches everywhere
  CHECK(matches("*a\\|*b", "*b"));           // '*' starts each branch as an ordinary character
  CHECK(matches("[|]", "|"));
  CHECK_FALSE(matches("[\\|]x", "ax"));       // inside brackets \| is two characters
  CHECK(matches("[\\|]x", "|x"));
  CHECK(matches("a\\|b", "B", Regex::kIgnoreCase));
  CHECK_FALSE(matches("a\\|b", "xa", Regex::kWholeLine));
  CHECK(matches("a\\|b", "b", Regex::kWholeLine));
  CHECK(error_of("a\\|[b") == RegexError::UnmatchedBracket);
  CHECK(error_of("a\\|b\\") == RegexError::TrailingBackslash);
  CHECK(error_of("\\(a\\|b\\)") == RegexError::Unsupported);
  std::string many;
  for (int i = 0; i < 3000; ++i) many += "\\|";
  CHECK(matches(many + "q", "anything"));
}

TEST_CASE("extended syntax (grep -E): + ? | unescaped are operators, escaped are characters", "[regex]") {
  auto ere = [](const std::string& pattern, const std::string& text) { return matches(pattern, text, Regex::kExtended); };
  CHECK(ere("ab+c", "abbc"));
  CHECK_FALSE(ere("ab+c", "ac"));
  CHECK(ere("ab?c", "ac"));
  CHECK(ere("cat|dog", "dog"));
  CHECK(ere("^a|b$", "xb"));
  CHECK(ere("a\\+", "a+"));
  CHECK_FALSE(ere("a\\+", "aa"));
  CHECK(ere("a\\|b", "a|b"));
  CHECK(ere("\\(x\\)", "(x)"));
  CHECK(ere("^a+?$", ""));   // (a+)? is a*
  Regex re;
  CHECK(re.compile("(a)", 3, Regex::kExtended) == RegexError::Unsupported);
  CHECK(re.compile("a{2}", 4, Regex::kExtended) == RegexError::Unsupported);
  CHECK(re.compile("a^b", 3, Regex::kExtended) == RegexError::Unsupported);
  CHECK(re.compile("a|[b", 4, Regex::kExtended) == RegexError::UnmatchedBracket);
  std::string bars(10000, '|');   // a branch per byte: found by regex_fuzz
  CHECK(ere(bars, "x"));
  CHECK(ere(bars + "\xff", ""));
}

TEST_CASE("ignore case folds letters in both the pattern and brackets", "[regex]") {
  CHECK(matches("hello", "HeLLo", Regex::kIgnoreCase));
  CHECK(matches("[a-c]", "B", Regex::kIgnoreCase));
  CHECK_FALSE(matches("[^a]", "A", Regex::kIgnoreCase));
  CHECK_FALSE(matches("[^a]", "a", Regex::kIgnoreCase));
  CHECK_FALSE(matches("hello", "HeLLo"));
}

TEST_CASE("malformed patterns are errors with GNU's words", "[regex]") {
  CHECK(error_of("[abc") == RegexError::UnmatchedBracket);
  CHECK(error_of("[") == RegexError::Invalid);
  CHECK(error_of("[^") == RegexError::Invalid);
  CHECK(error_of("[$") == RegexError::UnmatchedBracket);
  CHECK(error_of("[]") == RegexError::UnmatchedBracket);
  CHECK(error_of("[[:alpha:]") == RegexError::UnmatchedBracket);
  CHECK(error_of("[[:alpha") == RegexError::UnmatchedBracket);
  CHECK(error_of("[[:nope:]]") == RegexError::BadClass);
  CHECK(error_of("[z-a]") == RegexError::BadRange);
  CHECK(error_of("abc\\") == RegexError::TrailingBackslash);
  CHECK(error_of("\\") == RegexError::TrailingBackslash);
  CHECK(std::strcmp(utils::regex_error_text(RegexError::UnmatchedBracket), "Unmatched [, [^, [:, [., or [=") == 0);
  CHECK(std::strcmp(utils::regex_error_text(RegexError::TrailingBackslash), "Trailing backslash") == 0);
  SECTION("groups, intervals and back references are refused, not misread") {
    CHECK(error_of("\\(a\\)") == RegexError::Unsupported);
    CHECK(error_of("a\\{2\\}") == RegexError::Unsupported);
    CHECK(error_of("\\1") == RegexError::Unsupported);
  }
  SECTION("a failed compile leaves a regex that matches nothing") {
    Regex re;
    CHECK(compile(re, "[x") == RegexError::UnmatchedBracket);
    CHECK_FALSE(re.search("x", 1));
  }
}

TEST_CASE("a 10,000-character pattern works; one past the limit is an error", "[regex]") {
  std::string big(10000, 'a');
  CHECK(matches(big, "x" + big + "y"));
  CHECK_FALSE(matches(big, std::string(9999, 'a')));
  std::string brackets(10000, '[');
  CHECK(error_of(brackets) == RegexError::UnmatchedBracket);
  CHECK(error_of(brackets + "x") == RegexError::UnmatchedBracket);
  std::string slashes(10001, '\\');
  CHECK(error_of(slashes) == RegexError::TrailingBackslash);
  std::string stars(10000, '*');
  CHECK(matches(stars, "***"));
  CHECK(error_of(std::string(Regex::kMaxPattern + 1, 'a')) == RegexError::TooLong);
  std::string dotstars;
  for (int i = 0; i < 5000; ++i) dotstars += ".*";
  CHECK(matches(dotstars, "anything"));
}

TEST_CASE("no exponential blow-up: a*a*a*a*...b against a long line of a's", "[regex]") {
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  std::string text(20000, 'a');
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(matches(pattern, text));
  CHECK(matches(pattern, text + "b"));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 5.0);
}

TEST_CASE("NUL bytes in text and pattern are ordinary", "[regex]") {
  CHECK(matches(std::string("a\0b", 3), std::string("xa\0by", 5)));
  CHECK(matches("a.b", std::string("a\0b", 3)));
}

TEST_CASE("a moved regex keeps working and the old one matches nothing", "[regex]") {
  Regex a;
  REQUIRE(compile(a, "b+c") == RegexError::Ok);
  Regex b(static_cast<Regex&&>(a));
  CHECK(b.search("xb+c", 4));
  CHECK_FALSE(a.search("b+c", 3));
}

TEST_CASE("fixed strings: plain substring search, optionally case-blind", "[regex]") {
  CHECK(utils::fixed_search("hello world", 11, "o w", 3, false));
  CHECK(utils::fixed_search("a.*b", 4, ".*", 2, false));
  CHECK_FALSE(utils::fixed_search("axxb", 4, ".*", 2, false));
  CHECK(utils::fixed_search("HELLO", 5, "ell", 3, true));
  CHECK_FALSE(utils::fixed_search("HELLO", 5, "ell", 3, false));
  CHECK(utils::fixed_search("", 0, "", 0, false));
  CHECK_FALSE(utils::fixed_search("ab", 2, "abc", 3, false));
}

TEST_CASE("whole-line matching anchors both ends (grep -x)", "[regex]") {
  CHECK(matches("a.c", "abc", Regex::kWholeLine));
  CHECK_FALSE(matches("a.c", "xabc", Regex::kWholeLine));
  CHECK_FALSE(matches("a.c", "abcx", Regex::kWholeLine));
  CHECK(matches("a*", "", Regex::kWholeLine));
  CHECK(matches("^abc$", "abc", Regex::kWholeLine));
}
